"""The S3 report sink: `--output-dir s3://bucket/prefix/`, the one write cardaudit makes.

Reports are put with `s3:PutObject` under exactly that bucket and prefix, through a client of
their own whose guard admits that write and nothing else (`collect.session.sink_client`); every
other client keeps refusing every write. Server-side encryption: by default the bucket's own
default encryption applies (S3 encrypts every object since January 2023, and a bucket with
default SSE-KMS uses its key); `--s3-sse aws:kms` (with `--s3-kms-key-id`) or `--s3-sse AES256`
sends the header explicitly, for buckets whose policy requires it on every PutObject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardaudit import limits
from cardaudit.collect.contain import failure_of
from cardaudit.collect.session import SINK_READ, WriteAllowance, audit_session, sink_client
from cardaudit.errors import ConfigError, RenderError

SSE_VALUES = ("AES256", "aws:kms", "aws:kms:dsse")
# S3's bucket naming rules (lower case, digits, dots, hyphens; 3 to 63 characters).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix/` -> ("bucket", "some/prefix/"); the prefix is empty or ends in "/"."""
    rest = url[len("s3://"):]
    bucket, _, prefix = rest.partition("/")
    if not _BUCKET.match(bucket):
        raise ConfigError(f"--output-dir: '{bucket}' is not an S3 bucket name (expected s3://bucket/prefix/)")
    prefix = prefix.strip("/")
    if ".." in prefix.split("/") or "//" in prefix:
        raise ConfigError("--output-dir: the S3 prefix may not contain '..' or empty segments")
    return bucket, f"{prefix}/" if prefix else ""


@dataclass(frozen=True)
class S3Sink:
    allowance: WriteAllowance
    s3: Any  # the sink's own botocore client
    extra: dict[str, str]  # ServerSideEncryption / SSEKMSKeyId, when asked for

    @classmethod
    def open(cls, url: str, *, profile: str | None = None, sse: str | None = None, kms_key_id: str | None = None,
             session: Any = None) -> S3Sink:
        bucket, prefix = parse_s3_url(url)
        if sse is not None and sse not in SSE_VALUES:
            raise ConfigError(f"--s3-sse: '{sse}' is not one of {', '.join(SSE_VALUES)}")
        if kms_key_id and not (sse or "").startswith("aws:kms"):
            raise ConfigError("--s3-kms-key-id needs --s3-sse aws:kms")
        extra = {"ServerSideEncryption": sse} if sse else {}
        if kms_key_id:
            extra["SSEKMSKeyId"] = kms_key_id
        allowance = WriteAllowance(bucket, prefix)
        return cls(allowance, sink_client(session or audit_session(profile), allowance), extra)

    @property
    def url(self) -> str:
        return f"s3://{self.allowance.bucket}/{self.allowance.prefix}"

    def write(self, name: str, text: str, media_type: str) -> str:
        key = f"{self.allowance.prefix}{name}"
        try:
            self.s3.put_object(Bucket=self.allowance.bucket, Key=key, Body=text.encode("utf-8"),
                               ContentType=media_type, **self.extra)
        except Exception as exc:  # noqa: BLE001 -- any failure of the write is one clear error (a guard refusal re-raised)
            code, message = failure_of(exc)
            raise RenderError(f"cannot write s3://{self.allowance.bucket}/{key}: s3:PutObject {code} {message}".strip()
                              ) from None
        return f"s3://{self.allowance.bucket}/{key}"


def fetch_reports(url: str, into: Path, *, profile: str | None = None, session: Any = None) -> list[Path]:
    """Copy every `report.json` under `s3://bucket/prefix/` into `into`, for `cardaudit merge`.

    The client may list and get objects under that prefix only (the sink's reading allowance);
    each object is bounded like any report read back. Files are named after their keys.
    """
    bucket, prefix = parse_s3_url(url)
    allowance = WriteAllowance(bucket, prefix, SINK_READ)
    s3 = sink_client(session or audit_session(profile), allowance)
    fetched: list[Path] = []
    try:
        keys = [obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
                for obj in page.get("Contents", []) if str(obj["Key"]).rsplit("/", 1)[-1] == "report.json"]
        for key in sorted(keys):
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read(limits.MAX_SAVED_FILE_BYTES + 1)
            path = into / key.replace("/", "__")
            path.write_bytes(body)
            fetched.append(path)
    except Exception as exc:  # noqa: BLE001 -- one clear error for the whole read (a guard refusal re-raised)
        code, message = failure_of(exc)
        raise ConfigError(f"cannot read the reports under {url}: {code} {message}".strip()) from None
    if not fetched:
        raise ConfigError(f"no report.json under {url}")
    return fetched
