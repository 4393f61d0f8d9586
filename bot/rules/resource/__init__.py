"""The HQ engineer-hours request (`resource`, regulation §5.4, R-RES): its rules."""
