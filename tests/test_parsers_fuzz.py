"""Whatever bytes a repository or a user file holds, parsers answer with a problem, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardaudit.collect.artifacts.buildspec import parse_buildspec
from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.taskdef import parse_taskdef
from cardaudit.collect.artifacts.template import parse_template
from cardaudit.errors import ConfigError
from cardaudit.models.inventory import RepoFile
from cardaudit.ownership.load import load_ownership

# Text that looks a little like the real files, plus arbitrary bytes.
FRAGMENTS = ["{", "}", "[", "]", ":", ",", '"', "\n", "  ", "- ", "FROM x", "USER ", "RUN <<EOF", "EOF",
             "containerDefinitions", "phases", "Resources", "version: 0.2", "!Ref", "\t", "\\", "null", "0"]
texty = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join)
content = texty.map(lambda t: t.encode("utf-8")) | st.binary(max_size=200)
PARSERS = [(parse_taskdef, "taskdef.json", "taskdef"), (parse_dockerfile, "Dockerfile", "dockerfile"),
           (parse_buildspec, "buildspec.yml", "buildspec"), (parse_template, "template.yaml", "sam")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=content)
def test_artifact_parsers_never_raise(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for parse, name, kind in PARSERS:
            (root / name).write_bytes(data)
            parse(RepoFile(repo="fuzz", path=name, kind=kind), root)  # returns a doc or a problem


@settings(max_examples=60, deadline=None)
@given(data=content)
def test_ownership_loader_only_raises_config_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ownership.yaml"
        path.write_bytes(b"version: 1\nteams: {app: {name: App}}\n" + data)
        problem: ConfigError | None = None
        try:
            load_ownership(path)
        except ConfigError as exc:
            problem = exc
        assert problem is None or problem.text.startswith(str(path))


@settings(max_examples=200, deadline=None)
@given(before=texty, after=texty, flag=st.sampled_from(["-p ", "--password=", "--token ", "DB_PASS=", "-u bob:",
                                                        "Authorization: Bearer ", "https://u:", ""]))
def test_redacted_commands_never_keep_a_planted_secret(before: str, after: str, flag: str) -> None:
    from cardaudit.redact import redact_text

    secret = "AKIACNRYFUZZ0000ZZZZ" if not flag else "cnry-fuzz-pw"
    tail = "@host/x" if flag == "https://u:" else ""
    text = f"{before} {flag}{secret}{tail} {after}"
    once = redact_text(text)
    assert secret not in once
    assert redact_text(once) == once  # placeholders are never redacted again
