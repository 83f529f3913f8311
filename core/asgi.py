"""ASGI entry point for servers: ``granian --interface asgi --factory core.asgi:create_app``."""

from core.app import create_app

__all__ = ["create_app"]
