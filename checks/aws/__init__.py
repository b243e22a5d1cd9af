"""Checks over resources collected from AWS APIs, one module per service."""
