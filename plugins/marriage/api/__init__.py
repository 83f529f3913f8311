"""The marriage API under ``/api/v1/marriage`` (API.md "Marriage"): thin HTTP handlers."""
