"""The scheduler: `tick` runs the due timers (R-CAL-11); new calendar data move them (R-CAL-4)."""
