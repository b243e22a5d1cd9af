"""Report formats: one module each, registered by name; the CLI's --format choices come from here."""

from __future__ import annotations

from cardaudit.formats import asff, console, csv, html, json, junit, sarif
from cardaudit.formats.base import Format

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (json.FORMAT, html.FORMAT, sarif.FORMAT, asff.FORMAT, csv.FORMAT, junit.FORMAT, console.FORMAT)
}

__all__ = ["FORMATS", "Format"]
