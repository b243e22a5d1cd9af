"""Where reports go: a local directory, or an S3 prefix through the report sink.

`open_sink(target)` picks one from the `--output-dir` value: `s3://bucket/prefix/` is the S3 sink
(`cardaudit.sinks.s3`), the only write cardaudit ever makes; anything else is a local directory.
Both take a file name and its text and say where it went.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cardaudit.errors import RenderError


class Sink(Protocol):
    def write(self, name: str, text: str, media_type: str) -> str:
        """Store one report file; return where it went (a path or an s3:// URL)."""
        ...


@dataclass(frozen=True)
class DirectorySink:
    folder: Path

    def write(self, name: str, text: str, media_type: str) -> str:
        path = self.folder / name
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RenderError(f"cannot write reports to {self.folder}: {exc.strerror}") from exc
        return str(path)


def is_s3(target: str) -> bool:
    return target.lower().startswith("s3://")


def open_sink(target: str, *, profile: str | None = None, sse: str | None = None,
              kms_key_id: str | None = None) -> Sink:
    """The sink for an `--output-dir` value. boto3 is imported only for an S3 target."""
    if is_s3(target):
        from cardaudit.sinks.s3 import S3Sink

        return S3Sink.open(target, profile=profile, sse=sse, kms_key_id=kms_key_id)
    if sse or kms_key_id:
        raise RenderError("--s3-sse and --s3-kms-key-id apply only to an s3:// --output-dir")
    return DirectorySink(Path(target))
