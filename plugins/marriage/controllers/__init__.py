"""Thin HTTP controllers of the marriage API (API.md "Marriage")."""
