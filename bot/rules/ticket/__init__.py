"""The Service Desk ticket (`ticket`, regulation §5.2, R-TKT, R-SLA): its rules."""
