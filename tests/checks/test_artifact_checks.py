"""The artifact checks beyond the first five, over tests/fixtures/artifact-checks.

Fixture directories say what they are for (pass-*, fail-*, error-*, skip-*); each check's
findings are compared as an exact set of (file, line, status).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cardaudit.collect.artifacts import skipped_notes
from cardaudit.models.base_images import support
from cardaudit.models.inventory import Inventory
from tests.conftest import repo_inventory, run_check

REPO = Path(__file__).parents[1] / "fixtures" / "artifact-checks"
NAME = "acme/checks"
# The audit's clock, fixed: end-of-support dates pass as time goes by.
NOW = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    # The audit's clock is fixed: end-of-life dates must not change the expected results as time passes.
    return repo_inventory({NAME: REPO}, collected_at=NOW)


EXPECTED: dict[str, set[tuple[str, int | None, str]]] = {
    "dockerfile_base_image_pinned": {
        ('docker/fail-eol-base/Dockerfile', 1, 'PASS'),
        ('docker/pass-supported-base/Dockerfile', 2, 'PASS'),
        ('docker/error-heredoc/Dockerfile', 2, 'ERROR'),
        ('docker/fail-add-url/Dockerfile', 1, 'PASS'),
        ('docker/fail-latest/Dockerfile', 1, 'FAIL'),
        ('docker/fail-secret/Dockerfile', 1, 'PASS'),
        ('docker/fail-untagged/Dockerfile', 1, 'FAIL'),
        ('docker/pass-pinned/Dockerfile', 4, 'PASS'),
        ('docker/pass-real-world/Dockerfile', 3, 'PASS'),
        ('docker/pass-tag/Dockerfile', 1, 'PASS'),
        ('docker/unknown-base/Dockerfile', 2, 'NOT_ASSESSED'),
    },
    "dockerfile_base_image_digest": {
        ('docker/fail-eol-base/Dockerfile', 1, 'FAIL'),
        ('docker/pass-supported-base/Dockerfile', 2, 'FAIL'),
        ('docker/error-heredoc/Dockerfile', 2, 'ERROR'),
        ('docker/fail-add-url/Dockerfile', 1, 'PASS'),
        ('docker/fail-latest/Dockerfile', 1, 'FAIL'),
        ('docker/fail-secret/Dockerfile', 1, 'PASS'),
        ('docker/fail-untagged/Dockerfile', 1, 'FAIL'),
        ('docker/pass-pinned/Dockerfile', 4, 'PASS'),
        ('docker/pass-real-world/Dockerfile', 3, 'PASS'),
        ('docker/pass-tag/Dockerfile', 1, 'FAIL'),
        ('docker/unknown-base/Dockerfile', 2, 'NOT_ASSESSED'),
    },
    "dockerfile_no_secret_env_or_arg": {
        ('docker/fail-eol-base/Dockerfile', 1, 'PASS'),
        ('docker/pass-supported-base/Dockerfile', 2, 'PASS'),
        ('docker/error-heredoc/Dockerfile', 2, 'ERROR'),
        ('docker/fail-add-url/Dockerfile', 1, 'PASS'),
        ('docker/fail-latest/Dockerfile', 1, 'PASS'),
        ('docker/fail-secret/Dockerfile', 2, 'FAIL'),
        ('docker/fail-untagged/Dockerfile', 1, 'PASS'),
        ('docker/pass-pinned/Dockerfile', 4, 'PASS'),
        ('docker/pass-real-world/Dockerfile', 3, 'PASS'),
        ('docker/pass-tag/Dockerfile', 1, 'PASS'),
        ('docker/unknown-base/Dockerfile', 2, 'PASS'),
    },
    "dockerfile_no_add_from_url": {
        ('docker/fail-eol-base/Dockerfile', 1, 'PASS'),
        ('docker/pass-supported-base/Dockerfile', 2, 'PASS'),
        ('docker/error-heredoc/Dockerfile', 2, 'ERROR'),
        ('docker/fail-add-url/Dockerfile', 2, 'FAIL'),
        ('docker/fail-latest/Dockerfile', 1, 'PASS'),
        ('docker/fail-secret/Dockerfile', 1, 'PASS'),
        ('docker/fail-untagged/Dockerfile', 1, 'PASS'),
        ('docker/pass-pinned/Dockerfile', 4, 'PASS'),
        ('docker/pass-real-world/Dockerfile', 3, 'PASS'),
        ('docker/pass-tag/Dockerfile', 1, 'PASS'),
        ('docker/unknown-base/Dockerfile', 2, 'PASS'),
    },
    "dockerfile_healthcheck_declared": {
        ('docker/fail-eol-base/Dockerfile', 6, 'PASS'),
        ('docker/pass-supported-base/Dockerfile', 4, 'PASS'),
        ('docker/error-heredoc/Dockerfile', 2, 'ERROR'),
        ('docker/fail-add-url/Dockerfile', 1, 'FAIL'),
        ('docker/fail-latest/Dockerfile', 3, 'FAIL'),
        ('docker/fail-secret/Dockerfile', 1, 'FAIL'),
        ('docker/fail-untagged/Dockerfile', 1, 'FAIL'),
        ('docker/pass-pinned/Dockerfile', 8, 'PASS'),
        ('docker/pass-real-world/Dockerfile', 19, 'PASS'),
        ('docker/pass-tag/Dockerfile', 3, 'FAIL'),
        ('docker/unknown-base/Dockerfile', 2, 'FAIL'),
    },
    "dockerfile_base_image_supported": {
        ('docker/error-heredoc/Dockerfile', 2, 'ERROR'),
        ('docker/fail-add-url/Dockerfile', 1, 'FAIL'),  # alpine 3.20, out of support since 2026-04-01
        ('docker/fail-eol-base/Dockerfile', 3, 'FAIL'),  # the stage the final one builds on
        ('docker/fail-latest/Dockerfile', 1, 'NOT_ASSESSED'),
        ('docker/fail-secret/Dockerfile', 1, 'FAIL'),
        ('docker/fail-untagged/Dockerfile', 1, 'NOT_ASSESSED'),
        ('docker/pass-pinned/Dockerfile', 6, 'PASS'),
        ('docker/pass-real-world/Dockerfile', 3, 'NOT_ASSESSED'),
        ('docker/pass-supported-base/Dockerfile', 2, 'PASS'),
        ('docker/pass-tag/Dockerfile', 1, 'PASS'),
        ('docker/unknown-base/Dockerfile', 2, 'NOT_ASSESSED'),
    },
    "taskdef_container_not_privileged": {
        ('taskdefs/fail-loose/card-batch-task-def.json', 5, 'FAIL'),
        ('taskdefs/pass-hardened/taskdef.json', 5, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 18, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 6, 'PASS'),
        ('templates/fail-inline/pipeline.template', 24, 'FAIL'),
        ('templates/linked/template.yaml', 20, 'PASS'),
    },
    "taskdef_container_read_only_root_filesystem": {
        ('taskdefs/fail-loose/card-batch-task-def.json', 5, 'FAIL'),
        ('taskdefs/pass-hardened/taskdef.json', 5, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 18, 'FAIL'),
        ('taskdefs/placeholders/card-api.json', 6, 'PASS'),
        ('templates/fail-inline/pipeline.template', 24, 'FAIL'),
        ('templates/linked/template.yaml', 20, 'PASS'),
    },
    "taskdef_container_non_root_user": {
        ('taskdefs/fail-loose/card-batch-task-def.json', 5, 'FAIL'),
        ('taskdefs/pass-hardened/taskdef.json', 5, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 18, 'FAIL'),
        ('taskdefs/placeholders/card-api.json', 6, 'PASS'),
        ('templates/fail-inline/pipeline.template', 24, 'FAIL'),
        ('templates/linked/template.yaml', 20, 'PASS'),
    },
    "taskdef_no_host_network_or_pid": {
        ('taskdefs/fail-loose/card-batch-task-def.json', 1, 'FAIL'),
        ('taskdefs/pass-hardened/taskdef.json', 1, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 1, 'FAIL'),
        ('templates/fail-inline/pipeline.template', 18, 'PASS'),
        ('templates/linked/template.yaml', 14, 'PASS'),
    },
    "taskdef_container_image_pinned": {
        ('taskdefs/fail-loose/card-batch-task-def.json', 5, 'FAIL'),
        ('taskdefs/pass-hardened/taskdef.json', 5, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 18, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 6, 'NOT_ASSESSED'),
        ('templates/fail-inline/pipeline.template', 24, 'NOT_ASSESSED'),
        ('templates/linked/template.yaml', 20, 'PASS'),
    },
    "taskdef_secrets_from_secret_store": {
        ('taskdefs/fail-loose/card-batch-task-def.json', 5, 'FAIL'),
        ('taskdefs/pass-hardened/taskdef.json', 5, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 18, 'PASS'),
        ('taskdefs/placeholders/card-api.json', 6, 'PASS'),
        ('templates/fail-inline/pipeline.template', 24, 'PASS'),
        ('templates/linked/template.yaml', 20, 'PASS'),
    },
    "buildspec_no_plaintext_credentials": {
        ('buildspecs/fail-plain/ci/build-image.yaml', 6, 'FAIL'),
        ('buildspecs/pass-store/buildspec.yml', 1, 'PASS'),
        ('buildspecs/v01/buildspec.yml', 1, 'PASS'),
        ('templates/fail-inline/pipeline.template', 12, 'FAIL'),
    },
    "buildspec_privileged_build_pushes_to_ecr": {
        ('buildspecs/fail-plain/ci/build-image.yaml', 14, 'FAIL'),
        ('buildspecs/pass-store/buildspec.yml', 16, 'PASS'),
        ('buildspecs/v01/buildspec.yml', 1, 'NOT_ASSESSED'),
        ('templates/fail-inline/pipeline.template', 16, 'FAIL'),
    },
    "template_function_runtime_supported": {
        ('templates/fail-cfn/stack.cfn.json', 7, 'FAIL'),
        ('templates/pass-sam/template.yaml', 13, 'PASS'),
    },
    "template_function_url_requires_auth": {
        ('templates/fail-cfn/stack.cfn.json', 31, 'FAIL'),
        ('templates/pass-sam/template.yaml', 38, 'PASS'),
    },
    "template_function_environment_kms": {
        ('templates/fail-cfn/stack.cfn.json', 4, 'FAIL'),
        ('templates/pass-sam/template.yaml', 30, 'PASS'),
    },
    "template_state_machine_logging": {
        ('templates/fail-cfn/stack.cfn.json', 34, 'FAIL'),
        ('templates/linked/template.yaml', 10, 'PASS'),
        ('templates/pass-sam/template.yaml', 19, 'PASS'),
    },
    "stepfunctions_no_plaintext_secrets": {
        ('stepfunctions/error-next/bad.asl.json', 6, 'ERROR'),
        ('stepfunctions/fail-secrets/workflow.asl.yaml', 15, 'FAIL'),
        ('stepfunctions/live/settlement.json', 4, 'PASS'),
        ('stepfunctions/pass-batch/daily.asl.json', 5, 'PASS'),
        ('templates/fail-cfn/stack.cfn.json', 43, 'PASS'),
        ('templates/linked/statemachine/nightly.asl.json', 4, 'PASS'),
        ('templates/pass-sam/template.yaml', 53, 'PASS'),
    },
    "stepfunctions_run_task_logging": {
        ('stepfunctions/error-next/bad.asl.json', 6, 'ERROR'),
        ('stepfunctions/fail-secrets/workflow.asl.yaml', 9, 'FAIL'),
        ('stepfunctions/live/settlement.json', 17, 'NOT_ASSESSED'),
        ('stepfunctions/live/settlement.json', 9, 'NOT_ASSESSED'),
        ('stepfunctions/pass-batch/daily.asl.json', 31, 'PASS'),
        ('templates/linked/statemachine/nightly.asl.json', 7, 'PASS'),
        ('templates/pass-sam/template.yaml', 57, 'PASS'),
    },
    "stepfunctions_run_task_no_plaintext_secrets": {
        ('stepfunctions/error-next/bad.asl.json', 6, 'ERROR'),
        ('stepfunctions/fail-secrets/workflow.asl.yaml', 9, 'FAIL'),
        ('stepfunctions/live/settlement.json', 17, 'NOT_ASSESSED'),
        ('stepfunctions/live/settlement.json', 9, 'NOT_ASSESSED'),
        ('stepfunctions/pass-batch/daily.asl.json', 31, 'PASS'),
        ('templates/linked/statemachine/nightly.asl.json', 7, 'PASS'),
        ('templates/pass-sam/template.yaml', 57, 'PASS'),
    },
}


@pytest.mark.parametrize("check_id", sorted(EXPECTED))
def test_findings_are_exactly(inventory: Inventory, check_id: str) -> None:
    findings = run_check(check_id, inventory)
    assert {(f.resource.path, f.resource.line, f.status.value) for f in findings} == EXPECTED[check_id]
    # Every finding on a repository file says which repository, file and line (field-level routing).
    assert all(f.resource.repo == NAME and f.resource.path for f in findings)
    assert all(f.resource.field for f in findings if f.status.value != "ERROR"), check_id


@pytest.mark.parametrize("check_id", sorted(EXPECTED))
def test_no_repository_is_not_assessed(check_id: str) -> None:
    empty = Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=["eu-west-1"])
    assert [(f.status.value, f.reason) for f in run_check(check_id, empty)] == [
        ("NOT_ASSESSED", "no repository checkout was given (--repo NAME=PATH)")]


def test_discovery_by_content(inventory: Inventory) -> None:
    kinds = {f.path: f.kind for f in inventory.repo_files}
    assert kinds["buildspecs/fail-plain/ci/build-image.yaml"] == "buildspec"  # version + phases, any name
    assert kinds["taskdefs/fail-loose/card-batch-task-def.json"] == "taskdef"  # containerDefinitions
    assert kinds["taskdefs/placeholders/card-api.json"] == "taskdef"  # named after the service
    assert kinds["templates/fail-cfn/stack.cfn.json"] == "cloudformation"  # JSON, tab-indented
    assert kinds["templates/fail-inline/pipeline.template"] == "cloudformation"
    assert kinds["stepfunctions/live/settlement.json"] == "stepfunctions"  # StartAt + States
    assert kinds["templates/skip-not-template/template.yaml"] == "other"  # named like one, holds no Resources


def test_files_not_of_their_kind_are_skipped_with_a_note(inventory: Inventory) -> None:
    notes = skipped_notes([*inventory.buildspecs, *inventory.repo_task_definitions])
    assert notes == [
        "acme/checks:buildspecs/skip-amplify/buildspec.yml: skipped: an AWS Amplify build specification "
        "(frontend/backend), not a CodeBuild buildspec",
        "acme/checks:taskdefs/skip-not-a-taskdef/taskdef.json: skipped: not a task definition: no containerDefinitions",
    ]


def test_parse_errors_name_file_line_and_problem(inventory: Inventory) -> None:
    reasons = {f.reason for f in run_check("dockerfile_base_image_pinned", inventory) + run_check(
        "stepfunctions_no_plaintext_secrets", inventory) if f.status.value == "ERROR"}
    assert reasons == {
        "cannot parse acme/checks:docker/error-heredoc/Dockerfile:2: heredoc <<EOF is never closed",
        "cannot parse acme/checks:stepfunctions/error-next/bad.asl.json:6: state A: Next names no state",
    }


def test_inline_documents_point_into_their_template(inventory: Inventory) -> None:
    fields = {(f.resource.path, f.resource.field) for check in ("buildspec_no_plaintext_credentials",
                                                                "taskdef_container_not_privileged")
              for f in run_check(check, inventory) if f.status.value == "FAIL"}
    assert ("templates/fail-inline/pipeline.template",
            "$.Resources.Build.Properties.Source.BuildSpec.env.variables.REGISTRY_PASSWORD") in fields
    assert ("templates/fail-inline/pipeline.template",
            "$.Resources.Task.Properties.ContainerDefinitions[0].Privileged") in fields


def test_run_task_states_record_the_family_to_link(inventory: Inventory) -> None:
    findings = run_check("stepfunctions_run_task_logging", inventory)
    evidence = {(f.resource.path, f.resource.line): f.evidence for f in findings}
    assert evidence[("stepfunctions/live/settlement.json", 9)] == {
        "family": "settlement-live", "task_definition": "settlement-live:12"}
    assert evidence[("stepfunctions/fail-secrets/workflow.asl.yaml", 9)]["task_definition_file"] == (
        "taskdefs/fail-loose/card-batch-task-def.json:5")


def test_secret_values_never_leave_the_parsers(inventory: Inventory) -> None:
    findings = [f for check in EXPECTED for f in run_check(check, inventory)]
    dumped = inventory.model_dump_json() + "".join(f.model_dump_json() for f in findings)
    for secret in ("Winter2026!", "tok_live_4f9a8b7c6d5e4f3a", "Hunter2-not-a-ref", "s3cr3t-Registry-pw",
                   "sk_live_51HxExampleNotReal00", "Hunter2-literal!"):
        assert secret not in dumped, secret


def test_templates_read_every_short_form_tag_foreach_and_nested_stacks(inventory: Inventory) -> None:
    sam = next(t for t in inventory.templates if t.file.path == "templates/pass-sam/template.yaml")
    assert sam.problem is None
    assert {k: v for k, v in sam.resources.items() if v == "AWS::SNS::Topic"} == {
        "Topic${Name}": "AWS::SNS::Topic", "Included": "AWS::SNS::Topic", "Shorthand": "AWS::SNS::Topic"}
    assert sam.nested_stacks == {"Child": "./child.yaml"}
    assert sam.physical_names["Api"] == "card-api-authorizer"
    text = (REPO / sam.file.path).read_text()
    for tag in ("!Ref", "!Sub", "!GetAtt", "!If", "!Join", "!Select", "!Split", "!FindInMap", "!ImportValue",
                "!Base64", "!Cidr", "!GetAZs", "!Equals", "!And", "!Or", "!Not", "!Condition", "!Transform"):
        assert tag + " " in text, tag  # the fixture holds every short form


def test_definition_substitutions_link_a_definition_file_to_its_task_definition(inventory: Inventory) -> None:
    findings = run_check("stepfunctions_run_task_logging", inventory)
    linked = next(f for f in findings if f.resource.path == "templates/linked/statemachine/nightly.asl.json")
    assert (linked.status.value, linked.evidence) == ("PASS", {"family": "nightly-report"})
    assert "(acme/checks:templates/linked/template.yaml)" in linked.reason  # the inline task definition


def test_end_of_support_names_each_release_and_its_date(inventory: Inventory) -> None:
    reasons = {f.resource.path: f.reason for f in run_check("dockerfile_base_image_supported", inventory)}
    assert reasons["docker/fail-eol-base/Dockerfile"] == (
        "FROM python:3.8-slim-buster: python 3.8 out of support since 2024-10-07, "
        "debian 10 (buster) out of support since 2024-06-30")
    assert reasons["docker/pass-supported-base/Dockerfile"] == (
        "FROM node:22.11.0-alpine3.22: node 22 supported until 2027-04-30, alpine 3.22 supported until 2027-05-01")
    assert reasons["docker/pass-pinned/Dockerfile"].endswith(
        "debian 12 supported until 2028-06-30 (gcr.io/distroless/python3-debian12's own releases have no dates "
        "in the table)")
    assert reasons["docker/fail-latest/Dockerfile"] == (
        "FROM node:latest: the tag of node:latest names no node release with known end-of-support data")


@pytest.mark.parametrize(("image", "releases"), [
    ("docker.io/library/node:14.21.3", ["node 14"]),
    ("public.ecr.aws/docker/library/python:3.7-alpine3.16", ["python 3.7", "alpine 3.16"]),
    ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/openjdk:8-jre", ["openjdk 8"]),
    ("ubuntu:bionic", ["ubuntu 18.04 (bionic)"]),
    ("ubuntu:20.04", ["ubuntu 20.04"]),
    ("debian:stretch-slim", ["debian 9 (stretch)"]),
    ("public.ecr.aws/amazonlinux/amazonlinux:2.0.20240306.0", ["amazonlinux 2"]),
    # AWS Lambda base images: the Lambda runtime table, the same as the Lambda runtime checks read.
    ("public.ecr.aws/lambda/python:3.8-x86_64", ["Lambda runtime python3.8"]),
    ("public.ecr.aws/lambda/java:8.al2.2024.01.05.12", ["Lambda runtime java8.al2"]),
    ("public.ecr.aws/lambda/provided:al2023", ["Lambda runtime provided.al2023"]),
    ("python:3.1", []),  # 3.1 is no release in the table, and not 3.12's prefix
    ("bitnami/python:3.8", []),  # another publisher's image: its own schedule
])
def test_base_image_releases_read_from_the_reference(image: str, releases: list[str]) -> None:
    found, _ = support(image)
    assert [label for label, _ in found] == releases
