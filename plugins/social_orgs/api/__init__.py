"""The social_orgs HTTP API, mounted under ``/api/v1/orgs`` (API.md "Social organizations")."""
