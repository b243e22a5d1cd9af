"""KMS keys: automatic rotation of customer managed keys, and key policies open to every AWS principal."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.aws.kms import AWS_MANAGED_ALIAS_PREFIX
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import KmsKey, PolicyStatement, Unknown


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


# --------------------------------------------------------------------------------------------
# key policies

def public_statements(policy: list[PolicyStatement]) -> list[PolicyStatement]:
    """Allow statements open to any AWS principal (Principal "*", or a NotPrincipal) without a restricting condition."""
    return [s for s in policy if s.public]


@check(
    title="KMS key policies do not let any AWS principal use or manage the key",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::KMS::Key", needs=("kms_keys",),
)
def kms_key_policy_not_public(keys: list[KmsKey]) -> Iterator[Result]:
    """What it checks:
    The key policy of every customer managed key not pending deletion. A statement that allows
    Principal `"*"` (or `{"AWS": "*"}`, or any NotPrincipal) FAILs the key unless a condition ties
    the request to an account, organization, principal, source or network (`kms:CallerAccount`,
    `aws:PrincipalOrgID`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceVpce`...) with a
    positive operator (`StringEquals`, `ArnLike`...; negated and `IfExists` operators hold when
    the key is absent, so they do not count). `kms:ViaService` alone does not restrict: any account
    can call the named service. AWS managed keys, whose policies AWS writes, are not judged.

    Why it matters:
    The key policy is the one place that decides who may decrypt what the key protects. A
    statement open to every AWS principal lets any account in AWS use the key (decrypt, or
    re-encrypt under a key of its own) with nothing but a copy of the ciphertext, a snapshot
    or a leaked object: the encryption of stored account data then no longer limits access to it.

    How to fix:
    Replace the `"*"` principal with the account or role ARNs that need the key, or add a condition
    such as `"StringEquals": {"kms:CallerAccount": "<account>"}` or `aws:PrincipalOrgID`
    (`aws kms put-key-policy --key-id <key> --policy-name default --policy file://policy.json`).
    """
    for key in keys:
        if key.policy is None or key.key_state == "PendingDeletion":
            continue
        if isinstance(key.key_state, Unknown):
            yield Result.not_assessed(key.ref(), f"the key could not be described ({key.key_state.reason})")
        elif isinstance(key.policy, Unknown):
            yield Result.not_assessed(key.ref(), f"the key policy could not be read ({key.policy.reason})")
        else:
            public = public_statements(key.policy)
            if public:
                sids = ", ".join(s.sid or f"#{key.policy.index(s) + 1}" for s in public)
                actions = sorted({a for s in public for a in s.actions})
                yield Result.failed(key.ref(), f"the key policy lets any AWS principal use the key without a "
                                               f"restricting condition (statement {sids})",
                                    statements=sids, actions=actions)
            else:
                yield Result.passed(key.ref(), "no statement admits every AWS principal without a restricting "
                                               "condition", statements=len(key.policy))


# --------------------------------------------------------------------------------------------
# finding the key a resource names, for checks of other services


def find_key(keys: list[KmsKey], ref: str, account: str, region: str) -> KmsKey | None:
    """The key that `ref` names (key ARN, key id, alias name or alias ARN) as seen from account/region."""
    alias_arn = f"arn:aws:kms:{region}:{account}:"
    for key in keys:
        if key.account != account or key.region != region:
            continue
        names = {key.arn, key.key_id, *key.aliases, *(alias_arn + a for a in key.aliases)}
        if ref in names:
            return key
    return None


def is_aws_managed_alias(ref: str) -> bool:
    """An alias (or alias ARN) of an AWS managed key: `alias/aws/...`."""
    return ref.split(":")[-1].startswith(AWS_MANAGED_ALIAS_PREFIX)
