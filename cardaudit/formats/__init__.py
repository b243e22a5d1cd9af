"""Report formats: one module each, named after the format, exposing `FORMAT`.

The names are listed here and each module is imported when it is used, so `--help` and a JSON-only
run never load Jinja2 or Rich tables. Every format renders from the `Report` alone.
"""

from __future__ import annotations

import importlib

from cardaudit.formats.base import Format

FORMAT_NAMES = ("json", "html", "sarif", "asff", "csv", "junit", "console", "markdown", "ocsf", "oscal")


def get_format(name: str) -> Format:
    if name not in FORMAT_NAMES:
        raise KeyError(name)
    fmt: Format = importlib.import_module(f"cardaudit.formats.{name}").FORMAT
    return fmt


def all_formats() -> dict[str, Format]:
    return {name: get_format(name) for name in FORMAT_NAMES}


__all__ = ["FORMAT_NAMES", "Format", "all_formats", "get_format"]
