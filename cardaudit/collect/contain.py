"""What one failed AWS call becomes: a `CallFailed` naming the operation, whatever was raised.

botocore raises far more than `ClientError` and `BotoCoreError` on a bad answer: its response
parsers raise `ResponseParserError` on an HTML 200 or a plain-text 500, XML `ParseError` leaks from
S3, a non-UTF-8 body raises `UnicodeDecodeError`, and a collector reading an unexpected shape
raises `KeyError` or `TypeError`. All of them mean "this call gave nothing usable", so all of them
are contained here, except `ReadOnlyViolation`, which is cardaudit's own bug and must stop the run.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from cardaudit.errors import ReadOnlyViolation
from cardaudit.models.aws.resource import DEADLINE_REACHED

# Codes cardaudit gives failures that AWS did not name (and DEADLINE_REACHED: --timeout ran out
# before the call was made or answered).
BAD_RESPONSE = "BadResponse"  # a 2xx answer of the wrong shape: empty, not JSON, a list key missing
__all__ = ["BAD_RESPONSE", "DEADLINE_REACHED", "BadResponse", "CallFailed", "failure_of"]

_MESSAGE_LIMIT = 300


class CallFailed(Exception):
    """One AWS call that gave no usable answer, named as the declarations name it (`ecr:DescribeImages`)."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        self.operation = operation
        self.code = code
        self.message = message[:_MESSAGE_LIMIT]
        super().__init__(f"{operation}: {code} {self.message}".strip())


class BadResponse(Exception):
    """A 2xx answer that cannot be what AWS sends: an empty, non-JSON or non-UTF-8 body."""


def failure_of(exc: BaseException) -> tuple[str, str]:
    """(code, message) of any exception a call raised; re-raises what must never be contained."""
    if isinstance(exc, ReadOnlyViolation):
        raise exc
    if isinstance(exc, CallFailed):
        return exc.code, exc.message
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {}) if isinstance(exc.response, dict) else {}
        return str(err.get("Code") or "ClientError"), str(err.get("Message", ""))[:_MESSAGE_LIMIT]
    if isinstance(exc, BadResponse):
        return BAD_RESPONSE, str(exc)[:_MESSAGE_LIMIT]
    if isinstance(exc, (KeyError, TypeError, AttributeError, IndexError, ValueError)) and not isinstance(
            exc, UnicodeError):
        # The answer parsed, but not into the shape the collector reads.
        return BAD_RESPONSE, f"unexpected response shape ({type(exc).__name__}: {str(exc)[:200]})"
    return type(exc).__name__, str(exc)[:_MESSAGE_LIMIT]
