"""What every AWS resource model shares: identity, tags, and `Unknown` for details that could not be read."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from cardaudit.models.base import Frozen
from cardaudit.models.finding import ResourceRef
from cardaudit.models.resource_type import ResourceType

# The code of a call or a collection cut short by the run's deadline (`--timeout`); its message
# says what was not read in time.
DEADLINE_REACHED = "DeadlineReached"


class Unknown(Frozen):
    """A detail of one resource that could not be read (AccessDenied, throttled, invalid state)."""

    unknown: Literal[True] = True
    operation: str
    code: str
    message: str = ""

    @property
    def reason(self) -> str:
        if self.code == DEADLINE_REACHED:
            return f"deadline reached before {self.operation} was read"
        return f"{self.operation} failed: {self.code}"


class AwsResource(Frozen):
    """Fields every AWS resource shares.

    Every subclass declares its `resource_type` itself (an inherited declaration would let two
    models claim one type); `cfn_type` is taken from it, for code that only needs the name.
    """

    resource_type: ClassVar[ResourceType]
    cfn_type: ClassVar[str]

    arn: str
    account: str
    region: str
    name: str
    tags: dict[str, str] | Unknown = Field(default_factory=dict)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        declared = cls.__dict__.get("resource_type")
        if not isinstance(declared, ResourceType):
            raise TypeError(f"{cls.__name__} must declare its own resource_type = ResourceType(...)")
        cls.cfn_type = declared.cfn_type

    @property
    def aws_managed(self) -> bool:
        """Created and run by AWS itself (AWS-managed keys, service-linked roles): no team owns it."""
        return False

    def ref(self, field: str | None = None) -> ResourceRef:
        return ResourceRef(
            type=self.cfn_type, id=self.name, arn=self.arn, account=self.account,
            region=self.region, name=self.name, field=field,
        )
