"""Small helpers every service collector uses: paginated lists and per-resource detail calls.

Every call goes through here, and here any failure of one call is contained (`collect.contain`):
a list call that fails raises `CallFailed`, which marks its slice blind for that account and
region; a per-resource detail that fails becomes `Unknown`. A list call must carry its list key:
an answer without it is a failure, never "no resources".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from cardaudit.collect.contain import BAD_RESPONSE, CallFailed, failure_of
from cardaudit.collect.deadline import NO_DEADLINE, Deadline
from cardaudit.models.inventory import Unknown

T = TypeVar("T")
U = TypeVar("U")

# List keys AWS leaves out of a successful answer when there is nothing to list (SQS answers `{}`
# when a region has no queue). Every other list key must be present.
OMITTED_WHEN_EMPTY = frozenset({("list_queues", "QueueUrls")})

_END: dict[str, Any] = {}  # the paginator's end, told apart by identity from an empty page


def error_code(exc: BaseException) -> tuple[str, str]:
    """(code, message) of any exception an AWS call raised (ReadOnlyViolation is re-raised)."""
    return failure_of(exc)


@dataclass(frozen=True)
class Api:
    """One client bound to the account and region it reads."""

    client: Any
    account: str
    region: str
    # Per-resource detail calls of one job run this wide: an account with 500 IAM users needs
    # 2,000 calls, which sequentially at AWS latencies take minutes.
    detail_workers: int = 4
    deadline: Deadline = NO_DEADLINE
    # Every region this run reads for the account: a collector that finds a resource homed in a
    # region outside it (a multi-region trail's shadow) can keep it rather than lose it.
    audited_regions: tuple[str, ...] = ()
    # The operation each thread called last, so a shape error raised by collector code after the
    # call returned is charged to that operation.
    _last: threading.local = field(default_factory=threading.local, compare=False, repr=False)

    def name(self, operation: str) -> str:
        """`ecr:DescribeImages` for `describe_images`: the IAM prefix and the API's own name."""
        model = self.client.meta.service_model
        wire: str = self.client.meta.method_to_api_mapping.get(operation, operation)
        return f"{model.signing_name}:{wire}"

    def last_operation(self) -> str:
        return str(getattr(self._last, "operation", "") or "-")

    def failed(self, exc: BaseException) -> CallFailed:
        """Any exception of this thread's last call, or of reading its answer, as a CallFailed."""
        if isinstance(exc, CallFailed):
            return exc
        code, message = failure_of(exc)
        return CallFailed(self.last_operation(), code, message)

    def each(self, read: Callable[[T], U], items: Sequence[T]) -> list[U]:
        """read(item) for every item, concurrently, results in input order; the first error propagates."""
        def contained(item: T) -> U:
            try:
                return read(item)
            except Exception as exc:  # charged to the call whose answer was misread
                raise self.failed(exc) from exc

        if len(items) < 2 or self.detail_workers <= 1:
            return [contained(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.detail_workers, len(items))) as pool:
            return list(pool.map(contained, items))

    def _invoke(self, method: Callable[..., Any], operation: str, **params: Any) -> dict[str, Any]:
        name = self.name(operation)
        self._last.operation = name
        self.deadline.check(name)
        try:
            result: object = method(**params)
        except Exception as exc:  # the one place a call's failure is contained
            code, message = failure_of(exc)
            raise CallFailed(name, code, message) from exc
        if result is _END:
            return _END
        if not isinstance(result, dict):
            raise CallFailed(name, BAD_RESPONSE, f"response is a {type(result).__name__}, not an object")
        return result

    def pages(self, operation: str, key: str, **params: Any) -> list[Any]:
        """Every item of a list call, through its paginator when the API has one."""
        optional = (operation, key) in OMITTED_WHEN_EMPTY
        if not self.client.can_paginate(operation):
            return _items(self.name(operation), self._invoke(getattr(self.client, operation), operation, **params),
                          key, optional)
        out: list[Any] = []
        pages = iter(self.client.get_paginator(operation).paginate(**params))

        def next_page() -> Any:
            # Each page is one call: contained, deadline-checked and shape-checked like any other.
            return next(pages, _END)

        while True:
            page = self._invoke(next_page, operation)
            if page is _END:
                return out
            out.extend(_items(self.name(operation), page, key, optional))

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self._invoke(getattr(self.client, operation), operation, **params)

    def contained(self, read: Callable[[], T]) -> T | Unknown:
        """A per-resource read of several calls or pages: its value, or Unknown naming the call that failed."""
        try:
            return read()
        except Exception as exc:  # noqa: BLE001 -- a detail that cannot be read is Unknown, never a default
            failure = self.failed(exc)  # re-raises ReadOnlyViolation
            return Unknown(operation=failure.operation, code=failure.code, message=failure.message)

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
        except Exception as exc:  # noqa: BLE001 -- a detail that cannot be read is Unknown, never a default
            failure = self.failed(exc)
            if absent is not None and failure.code in absent:
                return absent[failure.code]
            return Unknown(operation=self.name(operation), code=failure.code, message=failure.message)


def _items(operation: str, page: dict[str, Any], key: str, optional: bool) -> list[Any]:
    if key not in page:
        if optional:
            return []
        raise CallFailed(operation, BAD_RESPONSE, f"response without {key}")
    items = page[key]
    if not isinstance(items, list):
        raise CallFailed(operation, BAD_RESPONSE, f"{key} is a {type(items).__name__}, not a list")
    return items


def tag_dict(tags: list[dict[str, str]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {t[key]: t[value] for t in tags or []}
