"""Checks over repository files (taskdef.json, Dockerfile), one module per artifact kind."""
