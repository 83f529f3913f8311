"""Certificates and statements as PDF."""
