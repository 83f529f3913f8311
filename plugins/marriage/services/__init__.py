"""The marriage plugin's services: tables + rules + audit, every change in one transaction."""
