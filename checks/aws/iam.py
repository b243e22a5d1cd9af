"""IAM users: MFA for console sign-in, and age of access keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import IamUser, Unknown

MAX_KEY_AGE = timedelta(days=90)


@check(
    title="IAM users who can sign in to the console have MFA",
    severity=Severity.HIGH, category="identity", resource_type="AWS::IAM::User",
    needs=("iam_users",),
)
def iam_console_user_mfa_enabled(users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    Every IAM user with a console password (a login profile) has at least one MFA device.

    Why it matters:
    A password alone is one stolen or guessed secret away from console access to the
    environment; multi-factor authentication is required for access into it.

    How to fix:
    Assign a virtual, hardware or passkey MFA device to the user, enforce MFA with an IAM
    policy condition, or move people to IAM Identity Center and delete the login profile.
    """
    for user in users:
        if isinstance(user.console_access, Unknown):
            yield Result.not_assessed(user.ref(), f"console access could not be read ({user.console_access.reason})")
        elif not user.console_access:
            continue
        elif isinstance(user.mfa_devices, Unknown):
            yield Result.not_assessed(user.ref(), f"MFA devices could not be read ({user.mfa_devices.reason})")
        elif user.mfa_devices == 0:
            yield Result.failed(user.ref(), "console password without any MFA device", mfa_devices=0)
        else:
            yield Result.passed(user.ref(), f"console password with {user.mfa_devices} MFA device(s)",
                                mfa_devices=user.mfa_devices)


def _age_days(created: datetime, now: datetime) -> int:
    def aware(moment: datetime) -> datetime:
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return (aware(now) - aware(created)).days


@check(
    title="Active IAM access keys are younger than 90 days",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::IAM::User",
    needs=("clock", "iam_users"),
)
def iam_access_key_rotated_90_days(now: datetime, users: list[IamUser]) -> Iterator[Result]:
    """What it checks:
    Every active access key of every IAM user was created less than 90 days ago. Users without
    active keys are not judged.

    Why it matters:
    Long-lived keys are the most common leaked AWS credential; a key that is never rotated
    stays valid for as long as the leak goes unnoticed.

    How to fix:
    Create a new key, move the consumer to it, deactivate then delete the old one; better,
    replace user keys with roles (instance, task or OIDC federation).
    """
    for user in users:
        keys = user.access_keys
        if isinstance(keys, Unknown):
            yield Result.not_assessed(user.ref(), f"access keys could not be read ({keys.reason})")
            continue
        active = [k for k in keys if k.status == "Active"]
        if not active:
            continue
        ages = {f"...{k.id_suffix}": _age_days(k.created, now) for k in active}
        old = {key: age for key, age in ages.items() if age >= MAX_KEY_AGE.days}
        if old:
            listed = ", ".join(f"{key} ({age} days)" for key, age in sorted(old.items()))
            yield Result.failed(user.ref(), f"active access key(s) older than 90 days: {listed}",
                                key_ages_days=ages)
        else:
            yield Result.passed(user.ref(), f"{len(active)} active key(s), oldest {max(ages.values())} days",
                                key_ages_days=ages)
