"""Small helpers every service collector uses: paginated lists and per-resource detail calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from cardaudit.models.inventory import Unknown

T = TypeVar("T")
U = TypeVar("U")


def error_code(exc: ClientError | BotoCoreError) -> tuple[str, str]:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return str(err.get("Code", "ClientError")), str(err.get("Message", ""))
    return type(exc).__name__, str(exc)


@dataclass(frozen=True)
class Api:
    """One client bound to the account and region it reads."""

    client: Any
    account: str
    region: str
    # Per-resource detail calls of one job run this wide: an account with 500 IAM users needs
    # 2,000 calls, which sequentially at AWS latencies take minutes.
    detail_workers: int = 4

    def each(self, read: Callable[[T], U], items: Sequence[T]) -> list[U]:
        """read(item) for every item, concurrently, results in input order; the first error propagates."""
        if len(items) < 2 or self.detail_workers <= 1:
            return [read(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.detail_workers, len(items))) as pool:
            return list(pool.map(read, items))

    def pages(self, operation: str, key: str, **params: Any) -> list[Any]:
        """Every item of a list call, through its paginator when the API has one."""
        if self.client.can_paginate(operation):
            out: list[Any] = []
            for page in self.client.get_paginator(operation).paginate(**params):
                out.extend(page.get(key, []))
            return out
        result: list[Any] = getattr(self.client, operation)(**params).get(key, [])
        return result

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = getattr(self.client, operation)(**params)
        return result

    def detail(
        self,
        operation: str,
        read: Callable[[dict[str, Any]], T],
        *,
        absent: dict[str, T] | None = None,
        **params: Any,
    ) -> T | Unknown:
        """A per-resource call: its value, a documented 'not configured' default, or Unknown."""
        try:
            return read(self.call(operation, **params))
        except (ClientError, BotoCoreError) as exc:
            code, message = error_code(exc)
            if absent is not None and code in absent:
                return absent[code]
            return Unknown(operation=_api_name(self.client, operation), code=code, message=message[:300])


def _api_name(client: Any, operation: str) -> str:
    service = client.meta.service_model.service_name
    wire: str = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{service}:{wire}"


def tag_dict(tags: list[dict[str, str]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {t[key]: t[value] for t in tags or []}
