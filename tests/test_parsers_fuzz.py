"""Whatever bytes a repository or a user file holds, parsers answer with a problem, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardaudit.collect.artifacts.buildspec import parse_buildspec
from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.stepfunctions import parse_stepfunctions
from cardaudit.collect.artifacts.taskdef import parse_taskdef
from cardaudit.collect.artifacts.template import parse_template
from cardaudit.errors import ConfigError
from cardaudit.models.inventory import RepoFile
from cardaudit.ownership.load import load_ownership

# Text that looks a little like the real files, plus arbitrary bytes.
FRAGMENTS = ["{", "}", "[", "]", ":", ",", '"', "\n", "  ", "- ", "FROM x", "USER ", "RUN <<EOF", "EOF",
             "containerDefinitions", "phases", "Resources", "version: 0.2", "!Ref", "\t", "\\", "null", "0",
             # Newer parsers: ASL, templates with inline documents, BOM, heredocs on continuations.
             "StartAt: A", "States:", "Type: Task", "Type: Parallel", "Branches:", "Next: B", "QueryLanguage: JSONata",
             "Resource: arn:aws:states:::ecs:runTask.sync", "TaskDefinition", "Parameters:", "Arguments:",
             "\ufeff", "\r\n", "# escape=`", "`", "<<-EOT", "Fn::ForEach::X", "Globals:", "Function:",
             "Type: AWS::ECS::TaskDefinition", "ContainerDefinitions:", "BuildSpec: |", "Type: AWS::CodeBuild::Project",
             "Type: AWS::Serverless::StateMachine", "Definition:", "DefinitionString:", "env:", "variables:",
             "finally:", "frontend:", "{% if x %}", "!GetAtt a.b", "!If [c, a, b]", "Properties:"]
texty = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join)
content = texty.map(lambda t: t.encode("utf-8")) | st.binary(max_size=200)
PARSERS = [(parse_taskdef, "taskdef.json", "taskdef"), (parse_dockerfile, "Dockerfile", "dockerfile"),
           (parse_buildspec, "buildspec.yml", "buildspec"), (parse_template, "template.yaml", "sam"),
           (parse_stepfunctions, "flow.asl.yaml", "stepfunctions")]
GENERATED = {"inputs": 0}  # printed with -s: how many inputs each run tried


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=content)
def test_artifact_parsers_never_raise(data: bytes) -> None:
    GENERATED["inputs"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for parse, name, kind in PARSERS:
            (root / name).write_bytes(data)
            doc = parse(RepoFile(repo="fuzz", path=name, kind=kind), root)  # a doc, a problem or a skip note
            assert doc.problem is None or doc.problem.message, "a problem always says what is wrong"


# Structured documents: valid skeletons with fuzzed pieces, to get past the first syntax error.
_value = st.sampled_from(["x", "1", "null", "[]", "{}", "!Ref X", '"a b"', "B", "A", "Task", "Pass", "JSONata",
                          "arn:aws:states:::ecs:runTask", "sk_live_0000", "{% $x %}", "${Sub}"])
_asl = st.builds(lambda a, b, c, d: (f"QueryLanguage: {a}\nStartAt: A\nStates:\n  A:\n    Type: {b}\n"
                                     f"    Resource: {c}\n    Next: {d}\n    Arguments:\n      TaskDefinition: {c}\n"
                                     f"  B:\n    Type: Map\n    End: true\n    ItemProcessor: {{StartAt: C, States: "
                                     f"{{C: {{Type: {b}, End: true}}}}}}\n"), _value, _value, _value, _value)
_template = st.builds(lambda a, b, c: (f"Globals:\n  Function:\n    Runtime: {a}\nResources:\n  F:\n"
                                       f"    Type: AWS::Serverless::Function\n    Properties:\n"
                                       f"      FunctionUrlConfig: {{AuthType: {b}}}\n      Environment:\n"
                                       f"        Variables: {{K: {c}}}\n  P:\n    Type: AWS::CodeBuild::Project\n"
                                       f"    Properties:\n      Source:\n        BuildSpec: |\n"
                                       f"          version: 0.2\n          phases: {{build: {{commands: [{c}]}}}}\n"
                                       f"  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
                                       f"      ContainerDefinitions: [{{Name: {a}, Image: {b}, Environment: {c}}}]\n"),
                      _value, _value, _value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_asl | _template, noise=st.sampled_from(["", "\t", "\ufeff", "  ", "\r\n"]))
def test_structured_documents_never_raise(text: str, noise: str) -> None:
    GENERATED["inputs"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for parse, name, kind in PARSERS[3:]:
            (root / name).write_text(noise + text)
            parse(RepoFile(repo="fuzz", path=name, kind=kind), root)


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
