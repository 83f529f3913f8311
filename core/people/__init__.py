"""The shared registry of people and the social-assistance roster."""
