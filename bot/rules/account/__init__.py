"""The Service Desk account request (`sd_account`, regulation §3.8, §5.5, R-ID-9): its rules."""
