"""What every report format provides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cardaudit.models.report import Report


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str
    render: Callable[[Report], str]
