"""A letter → typed request data. Pure functions: no database, no clock, no network."""
