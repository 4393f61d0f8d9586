"""The HQ desk: read models HQ works from (daily digest, R-HQ-7) and their letters."""
