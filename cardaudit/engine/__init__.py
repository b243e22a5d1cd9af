"""Check registry and runner (the evaluate stage)."""

from cardaudit.engine.registry import CheckSpec, all_checks, check, load_checks

__all__ = ["CheckSpec", "all_checks", "check", "load_checks"]
