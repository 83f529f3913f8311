"""Accounts, passwords, tokens and sessions, permission guards, rate limits."""
