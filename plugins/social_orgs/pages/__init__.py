"""Server-rendered pages of the social_orgs plugin, mounted under ``/orgs``."""
