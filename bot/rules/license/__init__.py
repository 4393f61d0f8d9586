"""The license request (`license_request`, regulation §5.3, R-LIC): its rules."""
