"""Help that names what an option expects, never a Python type.

Typer (0.29) shows `<bool>` beside every flag, `<list[str]>` and `<str>` beside values, and `{before}`
for a required argument in the usage line. These two overrides show nothing for a flag, the option's
metavar when it has one, else a plain word (TEXT, PATH, INTEGER, NUMBER, a|b|c); arguments appear as
BEFORE (required) or [NAME] (optional). Applied once, when the CLI module loads; if Typer renames the
methods, the help goes back to Typer's own words and `tests/test_cli_conventions.py` says so.
"""

from __future__ import annotations

from typing import Any

from typer import core

_WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "file": "FILE",
          "directory": "DIR", "datetime": "DATETIME"}


def _plain(param: Any, ctx: Any) -> str | None:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if param.metavar is not None:
        return str(param.metavar)
    label = str(core.TyperOption.display_type(param, ctx)).strip("<>")
    label = label.removeprefix("list[").removesuffix("]")
    if label.endswith(" range"):
        label = label.removesuffix(" range")
    return _WORDS.get(label, label if "|" in label else label.upper())


def _usage_name(param: Any) -> str:
    name = str(param.metavar or param.name).upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def apply() -> None:
    if hasattr(core.TyperOption, "display_type_rich"):
        core.TyperOption.display_type_rich = _plain  # type: ignore[method-assign,assignment]
    if hasattr(core.TyperArgument, "display_type_rich"):
        # An argument's name column already says what it is (REPORT); no second word beside it.
        core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_usage_display_name"):
        core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign,assignment]
