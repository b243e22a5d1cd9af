"""The S3 report sink: the one write cardaudit makes, s3:PutObject under one bucket and prefix.

Against moto: reports land under the prefix (through the CLI and directly); a put outside the
prefix or bucket, any other write from the sink's client, and a PutObject from the audit's own
clients are all refused by the guard, before anything is sent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.errors import ConfigError, ReadOnlyViolation, RenderError
from cardaudit.readback import save_inventory
from cardaudit.sinks import DirectorySink, open_sink
from cardaudit.sinks.s3 import S3Sink, parse_s3_url
from tests.conftest import Aws

BUCKET = "acme-cardaudit-reports"


@pytest.fixture
def bucket(aws: Aws) -> Aws:
    aws.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    aws.client("s3").create_bucket(Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return aws


def _keys(aws: Aws, bucket: str = BUCKET) -> set[str]:
    return {o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_audit_writes_its_reports_under_the_prefix(bucket: Aws, tmp_path: Path) -> None:
    bucket.client("ecr").create_repository(repositoryName="card-api")
    saved = tmp_path / "inventory.json"
    save_inventory(bucket.collect("ecr"), saved)
    result = CliRunner().invoke(cli.app, ["audit", "--inventory", str(saved), "--checks", "ecr_*",
                                          "--output-dir", f"s3://{BUCKET}/nightly/2026-11-30/",
                                          "--format", "json,csv", "--fail-on", "critical"])
    assert result.exit_code == 0, result.output
    assert _keys(bucket) == {"nightly/2026-11-30/report.json", "nightly/2026-11-30/report.csv"}
    body = bucket.client("s3").get_object(Bucket=BUCKET, Key="nightly/2026-11-30/report.json")
    assert body["ContentType"] == "application/json"
    assert json.loads(body["Body"].read())["schema"] == "cardaudit-report/1"
    assert f"wrote s3://{BUCKET}/nightly/2026-11-30/report.json" in result.output
    assert _keys(bucket, "elsewhere") == set()


def test_encryption_header_when_asked_for(bucket: Aws) -> None:
    key = bucket.client("kms").create_key()["KeyMetadata"]["Arn"]
    sink = S3Sink.open(f"s3://{BUCKET}/kms", session=bucket.audit_session, sse="aws:kms", kms_key_id=key)
    assert sink.write("report.json", "{}", "application/json") == f"s3://{BUCKET}/kms/report.json"
    head = bucket.client("s3").head_object(Bucket=BUCKET, Key="kms/report.json")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key)
    plain = S3Sink.open(f"s3://{BUCKET}/default/", session=bucket.audit_session)
    plain.write("report.json", "{}", "application/json")
    assert "SSEKMSKeyId" not in bucket.client("s3").head_object(Bucket=BUCKET, Key="default/report.json")


@pytest.mark.parametrize(("bucket_name", "key"), [
    (BUCKET, "other/report.json"),          # same bucket, outside the prefix
    (BUCKET, "runs-old/report.json"),       # a prefix that merely starts like it
    (BUCKET, "runs/../report.json"),        # a key that climbs out
    (BUCKET, "report.json"),                # the bucket's root
    ("elsewhere", "runs/report.json"),      # another bucket, same prefix
])
def test_a_put_outside_the_prefix_is_refused(bucket: Aws, bucket_name: str, key: str) -> None:
    sink = S3Sink.open(f"s3://{BUCKET}/runs", session=bucket.audit_session)
    with pytest.raises(ReadOnlyViolation, match="refused s3:PutObject outside s3://acme-cardaudit-reports/runs/"):
        sink.s3.put_object(Bucket=bucket_name, Key=key, Body=b"x")
    assert _keys(bucket) == set() and _keys(bucket, "elsewhere") == set()


def test_every_other_write_is_still_refused(bucket: Aws) -> None:
    sink = S3Sink.open(f"s3://{BUCKET}/runs/", session=bucket.audit_session)
    sink.write("report.json", "{}", "application/json")
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    for call in (lambda: sink.s3.delete_object(Bucket=BUCKET, Key="runs/report.json"),
                 lambda: sink.s3.put_bucket_policy(Bucket=BUCKET, Policy=policy),
                 lambda: sink.s3.copy_object(Bucket=BUCKET, Key="runs/copy.json",
                                             CopySource={"Bucket": BUCKET, "Key": "runs/report.json"}),
                 lambda: sink.s3.get_object(Bucket=BUCKET, Key="runs/report.json")):  # a data read, too
        with pytest.raises(ReadOnlyViolation, match="refused s3:"):
            call()
    # The audit's own clients, built before and after the sink, refuse PutObject like any write.
    audit_s3 = bucket.audit_session.client("s3")
    for s3 in (audit_s3, bucket.audit_session.client("s3")):
        with pytest.raises(ReadOnlyViolation, match="refused s3:PutObject: cardaudit calls only the read"):
            s3.put_object(Bucket=BUCKET, Key="runs/evil.json", Body=b"x")
    assert _keys(bucket) == {"runs/report.json"}


def test_a_refused_put_is_one_clear_error(bucket: Aws) -> None:
    bucket.deny("s3", "PutObject")
    sink = S3Sink.open(f"s3://{BUCKET}/runs/", session=bucket.audit_session)
    with pytest.raises(RenderError, match=r"cannot write s3://acme-cardaudit-reports/runs/report.json: "
                                          r"s3:PutObject AccessDenied"):
        sink.write("report.json", "{}", "application/json")


@pytest.mark.parametrize(("url", "message"), [
    ("s3://Bad_Bucket/x", "is not an S3 bucket name"),
    ("s3:///x", "is not an S3 bucket name"),
    ("s3://bucket/a/../b", "may not contain '..'"),
])
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_s3_url(url)


def test_urls_and_options() -> None:
    assert parse_s3_url("s3://b-1/") == ("b-1", "")
    assert parse_s3_url("s3://b-1/a/b") == ("b-1", "a/b/")
    with pytest.raises(ConfigError, match="--s3-sse: 'aws:kmz'"):
        S3Sink.open("s3://b-1/x", sse="aws:kmz")
    with pytest.raises(ConfigError, match="--s3-kms-key-id needs --s3-sse aws:kms"):
        S3Sink.open("s3://b-1/x", kms_key_id="k")
    with pytest.raises(RenderError, match="apply only to an s3://"):
        open_sink("reports", sse="AES256")
    assert open_sink("reports") == DirectorySink(Path("reports"))


def test_merge_reads_the_shards_reports_back_under_its_prefix_only(bucket: Aws, tmp_path: Path) -> None:
    from cardaudit.sinks.s3 import fetch_reports

    bucket.client("ecr").create_repository(repositoryName="card-api")
    saved = tmp_path / "inventory.json"
    save_inventory(bucket.collect("ecr"), saved)
    for shard in ("1", "2"):
        result = CliRunner().invoke(cli.app, ["audit", "--inventory", str(saved), "--checks", "ecr_*", "--format",
                                              "json", "--fail-on", "critical",
                                              "--output-dir", f"s3://{BUCKET}/run-7/shards/{shard}/"])
        assert result.exit_code == 0, result.output
    bucket.client("s3").put_object(Bucket=BUCKET, Key="run-8/shards/1/report.json", Body=b"{}")
    result = CliRunner().invoke(cli.app, ["merge", f"s3://{BUCKET}/run-7/shards/", "--format", "json",
                                          "--output-dir", f"s3://{BUCKET}/run-7/merged/", "--fail-on", "critical"])
    assert result.exit_code == 0, result.output
    merged = json.loads(bucket.client("s3").get_object(Bucket=BUCKET, Key="run-7/merged/report.json")["Body"].read())
    assert merged["run"]["inventory_source"] == "merge of 2 reports"
    # Its client lists and reads under that prefix only, and writes nothing.
    from cardaudit.collect.session import SINK_READ, WriteAllowance, sink_client

    reader = sink_client(bucket.audit_session, WriteAllowance(BUCKET, "run-7/shards/", SINK_READ))
    for call in (lambda: reader.get_object(Bucket=BUCKET, Key="run-8/shards/1/report.json"),
                 lambda: reader.list_objects_v2(Bucket=BUCKET, Prefix="run-8/"),
                 lambda: reader.put_object(Bucket=BUCKET, Key="run-7/shards/x", Body=b"x")):
        with pytest.raises(ReadOnlyViolation, match="refused s3:"):
            call()
    with pytest.raises(ConfigError, match=f"no report.json under s3://{BUCKET}/run-9/"):
        fetch_reports(f"s3://{BUCKET}/run-9/", tmp_path, session=bucket.audit_session)
