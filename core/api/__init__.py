"""Core's HTTP API under /api/v1 (API.md "Core")."""
