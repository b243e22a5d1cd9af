"""S3: default encryption, Block Public Access (account and bucket), public policies, TLS-only policies,
versioning and server access logging."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import BucketPolicy, PublicAccessBlock, S3AccountPublicAccessBlock, S3Bucket, Unknown


@check(
    title="S3 buckets encrypt new objects by default with a KMS key",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::S3::Bucket",
    needs=("s3_buckets",),
)
def s3_bucket_default_encryption_kms(buckets: list[S3Bucket]) -> Iterator[Result]:
    """What it checks:
    The bucket's default encryption is SSE-KMS or DSSE-KMS rather than the SSE-S3 baseline that
    AWS applies to every bucket.

    Why it matters:
    With SSE-S3 the keys belong to S3: access to the data is not separately controlled by a key
    policy, key use is not logged in CloudTrail and the key cannot be rotated or revoked by you,
    which is what key-management requirements for stored account data expect.

    How to fix:
    Set default encryption to `aws:kms` with a customer managed key (and an S3 Bucket Key to
    keep request costs down): `put-bucket-encryption`.
    """
    for bucket in buckets:
        enc = bucket.encryption
        if isinstance(enc, Unknown):
            yield Result.not_assessed(bucket.ref(), f"default encryption could not be read ({enc.reason})")
        elif enc.algorithm.startswith("aws:kms"):
            yield Result.passed(bucket.ref(), f"default encryption {enc.algorithm}",
                                algorithm=enc.algorithm, kms_key=enc.kms_key_id, bucket_key=enc.bucket_key)
        else:
            how = "AWS default, no configuration" if enc.implicit else "configured"
            yield Result.failed(bucket.ref(), f"default encryption is SSE-S3 ({enc.algorithm}, {how}), "
                                "not a KMS key under your control",
                                algorithm=enc.algorithm, implicit=enc.implicit)


# --------------------------------------------------------------------------------------------
# public access


def _all_on(pab: PublicAccessBlock) -> bool:
    return not pab.off()


@check(
    title="The account blocks S3 public access (Block Public Access, all four settings)",
    severity=Severity.HIGH, category="network", resource_type="AWS::S3::AccountPublicAccessBlock",
    needs=("s3_account_public_access_blocks",),
)
def s3_account_public_access_block(settings: list[S3AccountPublicAccessBlock]) -> Iterator[Result]:
    """What it checks:
    The account-level S3 Block Public Access configuration (s3control `GetPublicAccessBlock`) has
    all four settings on: `BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy` and
    `RestrictPublicBuckets`. An account that never set it (`NoSuchPublicAccessBlockConfiguration`)
    FAILs: every setting is then off.

    Why it matters:
    The account setting overrides every bucket's own ACLs and policies: with it on, no bucket of
    the account, present or future, can be opened to the internet by a grant or a policy
    statement, whatever a pipeline or a person later writes. Without it, one mistaken bucket
    policy is enough to publish stored account data.

    How to fix:
    `aws s3control put-public-access-block --account-id <id> --public-access-block-configuration
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    (first move any deliberately public content behind CloudFront with origin access control).
    """
    for item in settings:
        pab = item.settings
        if isinstance(pab, Unknown):
            yield Result.not_assessed(item.ref(), f"account Block Public Access could not be read ({pab.reason})")
        elif not pab.configured:
            yield Result.failed(item.ref(), "account Block Public Access is not configured: every setting is off",
                                off=pab.off())
        elif _all_on(pab):
            yield Result.passed(item.ref(), "all four Block Public Access settings are on for the account")
        else:
            yield Result.failed(item.ref(), f"account Block Public Access leaves off: {', '.join(pab.off())}",
                                off=pab.off())


@check(
    title="S3 buckets block public access (their own settings or the account's)",
    severity=Severity.HIGH, category="network", resource_type="AWS::S3::Bucket",
    needs=("s3_buckets", "s3_account_public_access_blocks"),
)
def s3_bucket_public_access_block(
    buckets: list[S3Bucket], accounts: list[S3AccountPublicAccessBlock],
) -> Iterator[Result]:
    """What it checks:
    Each bucket's effective S3 Block Public Access: a setting counts as on when the bucket's own
    configuration (`GetPublicAccessBlock`) or the account's has it, as S3 enforces them. All four
    (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`) must be
    on. The result says which level provides each. When the bucket's own settings are not all on
    and the account's could not be read, the bucket is NOT_ASSESSED.

    Why it matters:
    Block Public Access is the guard that keeps a mistaken ACL grant or policy statement from
    publishing a bucket; a bucket holding account data must not be one grant away from the
    internet.

    How to fix:
    Turn on the account-level setting (`s3_account_public_access_block`), or for this bucket:
    `aws s3api put-public-access-block --bucket <name> --public-access-block-configuration
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.
    """
    account_pab = {a.account: a.settings for a in accounts}
    for bucket in buckets:
        own = bucket.public_access_block
        if own is None:
            yield Result.not_assessed(bucket.ref(), "Block Public Access was not collected in this inventory")
            continue
        if isinstance(own, Unknown):
            yield Result.not_assessed(bucket.ref(), f"bucket Block Public Access could not be read ({own.reason})")
            continue
        if _all_on(own):
            yield Result.passed(bucket.ref(), "all four Block Public Access settings are on for the bucket")
            continue
        account = account_pab.get(bucket.account)
        if account is None or isinstance(account, Unknown):
            why = account.reason if isinstance(account, Unknown) else "not collected"
            yield Result.not_assessed(bucket.ref(), f"the bucket leaves off {', '.join(own.off())} and the "
                                                    f"account's Block Public Access could not be read ({why})")
            continue
        effective = own.combined(account)
        if _all_on(effective):
            yield Result.passed(bucket.ref(), f"the account's Block Public Access covers what the bucket leaves "
                                              f"off ({', '.join(own.off())})", bucket_off=own.off())
        else:
            yield Result.failed(bucket.ref(), f"public access is not blocked: {', '.join(effective.off())} off for "
                                              "the bucket and the account", off=effective.off())


@check(
    title="S3 bucket policies do not make buckets public",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::S3::Bucket", needs=("s3_buckets",),
)
def s3_bucket_policy_not_public(buckets: list[S3Bucket]) -> Iterator[Result]:
    """What it checks:
    S3's own evaluation of each bucket's policy (`GetBucketPolicyStatus` `IsPublic`) is not
    public. A bucket without a policy PASSes. The result names the policy's Allow statements whose
    principal is everyone (`*`), the usual cause.

    Why it matters:
    A public bucket policy lets anyone on the internet, or any AWS account, read or write the
    bucket without credentials of yours: stored account data published in one statement. S3 calls
    a policy public unless every statement open to everyone is pinned to fixed source networks,
    accounts or organisations.

    How to fix:
    Replace `"Principal": "*"` grants with the roles or accounts that need access, or add a
    condition that pins them (`aws:PrincipalOrgID`, `aws:SourceVpce`); serve public content
    through CloudFront with origin access control instead. Then turn on Block Public Access.
    """
    for bucket in buckets:
        public, policy = bucket.policy_public, bucket.policy
        if public is None:
            yield Result.not_assessed(bucket.ref(), "bucket policy status was not collected in this inventory")
        elif isinstance(public, Unknown):
            yield Result.not_assessed(bucket.ref(), f"bucket policy status could not be read ({public.reason})")
        else:
            statements = policy.open_statements if isinstance(policy, BucketPolicy) else []
            if public:
                yield Result.failed(bucket.ref(), "the bucket policy makes the bucket public",
                                    open_statements=statements)
            elif isinstance(policy, BucketPolicy) and not policy.exists:
                yield Result.passed(bucket.ref(), "no bucket policy")
            else:
                yield Result.passed(bucket.ref(), "the bucket policy is not public", open_statements=statements)


# --------------------------------------------------------------------------------------------
# TLS, versioning and access logs


@check(
    title="S3 bucket policies refuse requests made without TLS",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::S3::Bucket", needs=("s3_buckets",),
)
def s3_bucket_tls_only(buckets: list[S3Bucket]) -> Iterator[Result]:
    """What it checks:
    Each bucket's policy has a Deny statement for every principal (`*`) and every S3 action
    (`s3:*`) on the bucket's objects, on the sole condition `"Bool": {"aws:SecureTransport":
    "false"}` (the AWS Config rule s3-bucket-ssl-requests-only's shape). A bucket without a policy
    FAILs.

    Why it matters:
    S3 answers plain HTTP too: a client, SDK setting or old script that uses `http://` sends and
    receives objects, and the credentials' signatures, in clear across the network. Only a bucket
    policy makes S3 refuse such requests.

    How to fix:
    Add a statement `{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
    "Action": "s3:*", "Resource": ["arn:aws:s3:::<name>", "arn:aws:s3:::<name>/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}` to the bucket policy.
    """
    for bucket in buckets:
        policy = bucket.policy
        if policy is None:
            yield Result.not_assessed(bucket.ref(), "bucket policy was not collected in this inventory")
        elif isinstance(policy, Unknown):
            yield Result.not_assessed(bucket.ref(), f"bucket policy could not be read ({policy.reason})")
        elif not policy.exists:
            yield Result.failed(bucket.ref(), "no bucket policy, so requests without TLS are accepted")
        elif policy.tls_only_statements:
            yield Result.passed(bucket.ref(), "the policy denies every request made without TLS",
                                statements=policy.tls_only_statements)
        else:
            yield Result.failed(bucket.ref(), "the policy has no Deny on aws:SecureTransport false for all "
                                              "principals and actions: requests without TLS are accepted")


@check(
    title="S3 buckets keep object versions",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::S3::Bucket", needs=("s3_buckets",),
)
def s3_bucket_versioning_enabled(buckets: list[S3Bucket]) -> Iterator[Result]:
    """What it checks:
    Each bucket's versioning status (`GetBucketVersioning`) is `Enabled`. `Suspended` and never
    enabled FAIL.

    Why it matters:
    Without versioning an overwrite or a delete destroys the object: a faulty job, a ransomware
    script or a person covering their tracks leaves nothing to restore. For log buckets it is part
    of keeping audit logs from being altered; for data buckets, of being able to recover them.

    How to fix:
    `aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled`,
    with a lifecycle rule that expires noncurrent versions after the retention period; consider
    S3 Object Lock for log buckets.
    """
    for bucket in buckets:
        status = bucket.versioning
        if status is None:
            yield Result.not_assessed(bucket.ref(), "versioning was not collected in this inventory")
        elif isinstance(status, Unknown):
            yield Result.not_assessed(bucket.ref(), f"versioning could not be read ({status.reason})")
        elif status == "Enabled":
            yield Result.passed(bucket.ref(), "versioning is enabled", mfa_delete=bucket.mfa_delete)
        elif status == "Suspended":
            yield Result.failed(bucket.ref(), "versioning is suspended: new overwrites and deletes are final")
        else:
            yield Result.failed(bucket.ref(), "versioning was never enabled")


@check(
    title="S3 buckets record server access logs",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::S3::Bucket", needs=("s3_buckets",),
)
def s3_bucket_server_access_logging(buckets: list[S3Bucket]) -> Iterator[Result]:
    """What it checks:
    Each bucket has server access logging on (`GetBucketLogging` returns `LoggingEnabled`), into
    another bucket. A bucket that logs into itself FAILs: each log delivery would be logged again.

    Why it matters:
    Server access logs record every request to the bucket (requester, object, operation, result,
    source address), including the object reads and writes that a trail without S3 data events
    does not record. They are the audit trail of access to stored account data.

    How to fix:
    `aws s3api put-bucket-logging --bucket <name> --bucket-logging-status
    '{"LoggingEnabled": {"TargetBucket": "<log bucket>", "TargetPrefix": "<name>/"}}'`, with a
    log bucket whose policy lets `logging.s3.amazonaws.com` write to it; or record the bucket's
    data events with CloudTrail.
    """
    for bucket in buckets:
        logging = bucket.access_logging
        if logging is None:
            yield Result.not_assessed(bucket.ref(), "server access logging was not collected in this inventory")
        elif isinstance(logging, Unknown):
            yield Result.not_assessed(bucket.ref(), f"server access logging could not be read ({logging.reason})")
        elif not logging.enabled:
            yield Result.failed(bucket.ref(), "server access logging is off")
        elif logging.target_bucket == bucket.name:
            yield Result.failed(bucket.ref(), "the bucket logs into itself", target_bucket=logging.target_bucket)
        else:
            yield Result.passed(bucket.ref(), f"access logs go to {logging.target_bucket}",
                                target_bucket=logging.target_bucket, target_prefix=logging.target_prefix)
