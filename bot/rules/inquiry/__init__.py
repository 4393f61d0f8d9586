"""The inquiry to an HQ role (`inquiry`, regulation §5.5, R-HQ-2 … R-HQ-4): its rules."""
