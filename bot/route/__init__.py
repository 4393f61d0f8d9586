"""Which case a letter belongs to (R-THR-*): the thread matching of R-THR-4."""
