"""The command-line conventions every command follows, in one place (see docs/cli.md).

- Enumerated values are matched case-insensitively; a wrong one exits 2 naming the valid values and
  the nearest one ("did you mean").
- `--format FMT[,FMT]` with `--output FILE|-` (`-o`) writes one format to a file or stdout;
  `--output-dir DIR` writes several. `--quiet` (`-q`) prints nothing but errors.
- Every list, show and explain command takes `--json` (the same as `--format json`).
- A renamed option keeps its old spelling hidden for one release, with a note on stderr.

Nothing here imports the engine: `--help` stays cheap.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cardaudit.errors import ConfigError
from cardaudit.models.enums import Severity

if TYPE_CHECKING:
    from cardaudit.models.report import Report
    from cardaudit.sinks import Sink

SEVERITIES = [s.value for s in Severity]


def did_you_mean(value: str, valid: Sequence[str]) -> str:
    near = get_close_matches(value.lower(), [v.lower() for v in valid], n=1, cutoff=0.5)
    if not near:
        return ""
    original = next(v for v in valid if v.lower() == near[0])
    return f" (did you mean {original}?)"


def choice(option: str, value: str, valid: Sequence[str]) -> str:
    """`value` as spelled in `valid` (case-insensitive), or exit 2 with the valid values and a suggestion."""
    for known in valid:
        if known.lower() == value.strip().lower():
            return known
    raise ConfigError(f"{option}: '{value}' is not one of {', '.join(valid)}{did_you_mean(value, valid)}")


def choices(option: str, value: str, valid: Sequence[str]) -> list[str]:
    """A comma-separated list of `choice`s, in the order given, without repeats."""
    picked = [choice(option, part, valid) for part in value.split(",") if part.strip()]
    if not picked:
        raise ConfigError(f"{option}: give at least one of {', '.join(valid)}")
    return list(dict.fromkeys(picked))


def fail_threshold(value: str | None, option: str = "--fail-on") -> Severity | None:
    """`--fail-on`: a severity, or `none` to report without failing (soft fail)."""
    if value is None:
        return None
    name = choice(option, value, [*SEVERITIES, "none"])
    return None if name == "none" else Severity(name)


def deprecated(old_value: Any, new_value: Any, old: str, new: str) -> Any:
    """The value of a renamed option, accepting its old spelling for one release with a note on stderr."""
    if old_value is None:
        return new_value
    if new_value is not None:
        raise ConfigError(f"{old} is the old name of {new}: give only {new}")
    print(f"note: {old} is deprecated and will be removed in the next release; use {new}", file=sys.stderr)
    return old_value


# Options several commands share. Metavars name what is expected, never a Python type.
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors; the exit code tells.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts (the same as --format json).")]
ListFormatOpt = Annotated[str, typer.Option("--format", metavar="table|json", help="table (default) or json.")]
OutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="FILE|-", show_default=False,
    help="Write the one --format to FILE, or to stdout with '-'.")]
FailOnOpt = Annotated[str, typer.Option(
    "--fail-on", metavar="|".join([*SEVERITIES, "none"]),
    help="Exit 1 when a FAIL/ERROR has this severity or worse; none reports without failing.")]


def wants_json(fmt: str, json_flag: bool) -> bool:
    return json_flag or choice("--format", fmt, ["table", "json"]) == "json"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@dataclass(frozen=True)
class Outputs:
    """Where an audit's formats go: one to a file or stdout (`--output`), or each to a directory."""

    formats: list[str]
    file: Path | None = None  # --output FILE
    stdout: bool = False  # --output -
    directory: str | None = None  # --output-dir: a directory, or s3://bucket/prefix/

    @property
    def console_table(self) -> bool:
        """The failing table goes to the terminal when the console format is asked for."""
        return "console" in self.formats and not self.stdout


def plan_outputs(formats: str, output: str | None, output_dir: str | None, default_dir: str) -> Outputs:
    from cardaudit.formats import FORMAT_NAMES

    names = choices("--format", formats, FORMAT_NAMES)
    if output_dir is not None and output_dir.strip() in ("-", ""):
        raise ConfigError("--output-dir needs a directory; to print one format use --format FMT --output -")
    if output is None:
        return Outputs(names, directory=output_dir or default_dir)
    if len(names) != 1:
        raise ConfigError(f"--output takes one format, got {', '.join(names)}: use --output-dir for several")
    if output_dir is not None:
        raise ConfigError("give --output (one format) or --output-dir (several), not both")
    if output == "-":
        return Outputs(names, stdout=True)
    return Outputs(names, file=Path(output))


def write_outputs(report: Report, outputs: Outputs, sink: Sink | None = None,
                  stem: str = "report") -> list[str | Path]:
    """Render each format where `outputs` says; where each went, for a `wrote ...` line each.

    Several formats go through a sink: the directory, or the S3 report sink opened before the audit.
    """
    from cardaudit.commands.common import deliver_reports
    from cardaudit.errors import RenderError
    from cardaudit.formats import get_format
    from cardaudit.sinks import open_sink

    if outputs.directory is not None:
        return list(deliver_reports(report, outputs.formats, sink or open_sink(outputs.directory), stem))
    text = get_format(outputs.formats[0]).render(report)
    if outputs.stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
        return []
    assert outputs.file is not None
    try:
        if outputs.file.parent != Path():
            outputs.file.parent.mkdir(parents=True, exist_ok=True)
        outputs.file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot write {outputs.file}: {exc.strerror}") from exc
    return [outputs.file]


def known_regions() -> list[str]:
    """Every region botocore's endpoint data names, in all partitions (loaded only when regions are given)."""
    from botocore.loaders import create_loader

    data = create_loader().load_data("endpoints")
    return sorted({region for partition in data["partitions"] for region in partition["regions"]})


def check_regions(regions: list[str] | None) -> list[str] | None:
    """`--regions`, each checked against botocore's list: a typo exits 2 with a suggestion."""
    if not regions:
        return regions
    known = known_regions()
    for region in regions:
        if region not in known:
            import botocore

            raise ConfigError(f"--regions: '{region}' is not a region botocore {botocore.__version__} knows"
                              f"{did_you_mean(region, known)} (a newer region needs a newer botocore)")
    return regions
