"""ownership.yaml schema v1: teams, third parties, and rules for resources, artifacts and requirements."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from cardaudit.models.base import Frozen, PciId

IacTool = Literal["cloudformation", "sam", "cdk", "pulumi", "terraform"]
StrOrList = str | list[str]


# An IAM role name (path segments allowed) or a role ARN; `*` and `?` match within the name, as IAM.
_ROLE = re.compile(r"(arn:aws[a-z-]*:iam::(\d{12}|\*):role/)?[\w+=,.@*?/-]{1,512}")
# IAM Identity Center permission set names: 1-32 of [\w+=,.@-] (AWS's own limit).
_PERMISSION_SET = re.compile(r"[\w+=,.@*?-]{1,32}")


class Principals(Frozen):
    """The IAM principals a team acts through (cardaudit extension to schema v1).

    `roles` are role names or ARNs (globs allowed); `sso_permission_sets` are IAM Identity Center
    permission set names, matched against the roles AWS creates for them, `AWSReservedSSO_<name>_<hash>`.
    """

    roles: list[str] = Field(default_factory=list)
    sso_permission_sets: list[str] = Field(default_factory=list)

    @field_validator("roles")
    @classmethod
    def _roles(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _ROLE.fullmatch(value):
                raise ValueError(f"'{value}' is neither an IAM role name nor a role ARN "
                                 "(arn:aws:iam::<account>:role/<name>)")
        return values

    @field_validator("sso_permission_sets")
    @classmethod
    def _permission_sets(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _PERMISSION_SET.fullmatch(value):
                raise ValueError(f"'{value}' is not a permission set name (1-32 letters, digits or +=,.@_-)")
        return values


class Team(Frozen):
    name: str
    contacts: list[str] = Field(default_factory=list)
    handles: list[str] = Field(default_factory=list)
    principals: Principals | None = None  # None: the team declares none, so its access is not assessed


class External(Frozen):
    kind: Literal["tpsp"] = "tpsp"
    evidence: str | None = None
    reviewed: date | None = None


class IacSource(Frozen):
    tool: IacTool
    stack: str | None = None
    state: str | None = None  # state export file; relative to `repo` when given, else to ownership.yaml
    repo: str | None = None
    template: str | None = None


class UnmanagedAllowance(Frozen):
    """A resource type that is created outside IaC on purpose (e.g. task definitions a pipeline registers)."""

    type: str
    reason: str


class Settings(Frozen):
    owner_tag_keys: list[str] = Field(default_factory=lambda: ["team", "owner"])
    review_every: str = "180d"
    iac_sources: list[IacSource] = Field(default_factory=list)
    trust_owner_tags: bool = False
    # cardaudit extension to schema v1: types exempt from the `unmanaged` gap, each with a reason.
    unmanaged_allowed: list[UnmanagedAllowance] = Field(default_factory=list)

    @field_validator("review_every")
    @classmethod
    def _days(cls, value: str) -> str:
        if not re.fullmatch(r"\d+d", value):
            raise ValueError("must be a number of days such as '180d'")
        return value


class IacMatch(Frozen):
    tool: IacTool
    stack: str | None = None


class ResourceMatch(Frozen):
    account: StrOrList | None = None
    region: StrOrList | None = None
    type: StrOrList | None = None
    arn: StrOrList | None = None
    tags: dict[str, StrOrList] | None = None
    iac: IacMatch | None = None

    @field_validator("account", "region", "type", "arn", mode="before")
    @classmethod
    def _scalars_as_text(cls, value: object) -> object:
        # An unquoted account id is read by YAML as an int.
        if isinstance(value, int):
            return str(value)
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) else v for v in value]
        return value


class _Rule(Frozen):
    id: str
    primary: str
    supporting: list[str] = Field(default_factory=list)
    reviewed: date | None = None
    note: str | None = None
    priority: int | None = None
    overrides: list[str] = Field(default_factory=list)


class ResourceRule(_Rule):
    match: ResourceMatch


class FieldRule(Frozen):
    path: str
    primary: str
    supporting: list[str] = Field(default_factory=list)
    note: str | None = None


class ArtifactRule(_Rule):
    repo: str
    path: str
    fields: list[FieldRule] = Field(default_factory=list)


class RequirementRule(Frozen):
    id: PciId
    responsibility: Literal["entity", "tpsp", "shared", "not_applicable"] = "entity"
    tpsp: str | None = None
    primary: str | None = None
    supporting: list[str] = Field(default_factory=list)
    reviewed: date | None = None
    note: str | None = None



class OwnershipFile(Frozen):
    version: Literal[1]
    teams: dict[str, Team]
    external: dict[str, External] = Field(default_factory=dict)
    settings: Settings = Field(default_factory=Settings)
    resources: list[ResourceRule] = Field(default_factory=list)
    artifacts: list[ArtifactRule] = Field(default_factory=list)
    requirements: list[RequirementRule] = Field(default_factory=list)
