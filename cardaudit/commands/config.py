"""Defaults for `cardaudit audit` from the environment (`CARDAUDIT_*`) and from `cardaudit.toml`.

Precedence: flags > environment > cardaudit.toml `[audit]` > built-in defaults. Both become click's
`default_map`, which a flag on the command line always overrides. The names come from the command's
own options, so every audit option, including one added later, has its variable and its key:
`--fail-on` is `CARDAUDIT_FAIL_ON` and `fail-on` (or `fail_on`) in the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from typer.core import TyperOption

from cardaudit.errors import ConfigError

CONFIG_FILE = "cardaudit.toml"
ENV_PREFIX = "CARDAUDIT_"
COMMANDS = ("audit",)  # the tables a config file may hold


def _options(command: Any) -> dict[str, TyperOption]:
    """The command's visible options by their key (`fail_on`)."""
    return {p.name: p for p in command.params
            if isinstance(p, TyperOption) and p.name and not p.hidden and p.name not in ("help",)}


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """The line of `key` (under `[table]` when given): tomllib reports no positions for valid files."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1).strip().strip('"')
            if table is None and current == key:
                return number
            continue
        if table is not None and current == table and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return number
    return None


def read_file(path: Path, commands: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The tables of a cardaudit.toml, keys checked against the commands' options."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path, int(line.group(1)) if line else None) from exc
    tables: dict[str, dict[str, Any]] = {}
    for name, table in data.items():
        if name not in commands or not isinstance(table, dict):
            raise ConfigError(f"unknown table [{name}] (known: {', '.join(f'[{c}]' for c in commands)})",
                              path, _line_of(text, name, None))
        known = _options(commands[name])
        values: dict[str, Any] = {}
        for key, value in table.items():
            option = key.replace("-", "_")
            if option not in known:
                from cardaudit.commands.options import did_you_mean

                hint = did_you_mean(key, sorted(k.replace("_", "-") for k in known))
                raise ConfigError(f"[{name}] unknown key '{key}'{hint}", path, _line_of(text, key, name))
            values[option] = _as_default(known[option], value)
        tables[name] = values
    return tables


def _as_default(param: TyperOption, value: Any) -> Any:
    """A file or environment value as click takes a default: a list for a repeatable option."""
    if param.multiple and isinstance(value, str):
        return value.split()
    if isinstance(value, list) and not param.multiple:
        return ",".join(str(v) for v in value)  # `regions = ["eu-west-1", "us-east-1"]` reads as the flag does
    return value


def from_environment(command: Any, environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for key, param in _options(command).items():
        name = ENV_PREFIX + key.upper()
        if name in env:
            values[key] = _as_default(param, env[name])
    return values


def default_map(group: Any, ctx: Any, config: Path | None) -> dict[str, dict[str, Any]]:
    """click's default_map for the group's commands: the file's tables, then the environment over them."""
    commands = {name: cmd for name in COMMANDS if (cmd := group.get_command(ctx, name)) is not None}
    path = config if config is not None else (Path(CONFIG_FILE) if Path(CONFIG_FILE).is_file() else None)
    tables = read_file(path, commands) if path is not None else {}
    for name, command in commands.items():
        tables[name] = {**tables.get(name, {}), **from_environment(command)}
    return {name: values for name, values in tables.items() if values}
