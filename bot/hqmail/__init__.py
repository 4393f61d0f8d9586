"""HQ acting by mail: commands by reply, forwards, sender authentication (R-HQ-5, R-ID-5)."""
