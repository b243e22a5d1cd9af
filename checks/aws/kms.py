"""KMS keys: automatic rotation of customer managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import KmsKey, Unknown


@check(
    title="Customer managed symmetric KMS keys rotate automatically",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::KMS::Key",
    needs=("kms_keys",),
)
def kms_key_rotation_enabled(keys: list[KmsKey]) -> Iterator[Result]:
    """What it checks:
    Every enabled or disabled customer managed symmetric encryption key with AWS-held key
    material has automatic rotation turned on. AWS managed keys rotate on their own and
    asymmetric, HMAC and imported keys cannot rotate automatically; they are not judged here.

    Why it matters:
    Keys protecting account data must be retired at the end of a defined cryptoperiod;
    automatic rotation does this yearly (or on your schedule) without re-encrypting data.

    How to fix:
    `aws kms enable-key-rotation --key-id <key>` (optionally `--rotation-period-in-days`).
    """
    for key in keys:
        if key.rotation_enabled is None or key.key_state == "PendingDeletion":
            continue
        if isinstance(key.key_state, Unknown):
            # DescribeKey was denied: whether the key is customer managed, rotatable or pending
            # deletion is as unknown as its rotation.
            yield Result.not_assessed(key.ref(), f"the key could not be described ({key.key_state.reason})")
        elif isinstance(key.rotation_enabled, Unknown):
            yield Result.not_assessed(key.ref(),
                                      f"rotation status could not be read ({key.rotation_enabled.reason})")
        elif key.rotation_enabled:
            yield Result.passed(key.ref(), "automatic rotation is enabled", key_state=key.key_state)
        else:
            yield Result.failed(key.ref(), "automatic rotation is disabled", key_state=key.key_state)
