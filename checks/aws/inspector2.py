"""Amazon Inspector: continuous vulnerability scanning of EC2, ECR and Lambda in every region."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import InspectorAccountStatus, Unknown

# The scan types judged; Lambda code scanning (lambdaCode) is reported in the evidence only.
REQUIRED = ("ec2", "ecr", "lambda")


@check(
    title="Amazon Inspector scans EC2, ECR and Lambda in every region",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="AWS::InspectorV2::AccountStatus",
    needs=("inspector_accounts",),
)
def inspector_enabled_ecr_lambda_ec2(accounts: list[InspectorAccountStatus]) -> Iterator[Result]:
    """What it checks:
    In each audited region, Inspector's account status (BatchGetAccountStatus) shows EC2, ECR
    and Lambda (standard) scanning ENABLED. The region FAILs naming each scan type that is not;
    an account Inspector was never enabled for is DISABLED. Lambda code scanning is shown in the
    evidence but not required. A status that could not be read is NOT_ASSESSED.

    Why it matters:
    Inspector is the internal vulnerability scanner for the account's instances, images and
    functions: it finds vulnerable packages continuously, as they are published, and rescans
    after every change. A region or resource type it does not cover has no such scan, including
    regions nobody is supposed to use.

    How to fix:
    `aws inspector2 enable --resource-types EC2 ECR LAMBDA --region <region>` in every region
    (from the delegated administrator for an organization, with auto-enable for new accounts).
    """
    for account in accounts:
        if isinstance(account.status, Unknown):
            yield Result.not_assessed(account.ref(), f"Inspector's account status could not be read "
                                      f"({account.status.reason})")
            continue
        states = {kind: account.resources.get(kind, "DISABLED") for kind in (*REQUIRED, "lambdaCode")}
        off = [kind for kind in REQUIRED if states[kind] != "ENABLED"]
        evidence = {"status": account.status, "resource_states": states}
        if not off:
            yield Result.passed(account.ref(), "Inspector scans EC2, ECR and Lambda", **evidence)
        elif len(off) == len(REQUIRED) and account.status != "ENABLED":
            yield Result.failed(account.ref(), f"Inspector is not enabled in {account.region} "
                                f"({account.status})", not_scanned=off, **evidence)
        else:
            listed = ", ".join(f"{kind} ({states[kind]})" for kind in off)
            yield Result.failed(account.ref(), f"Inspector does not scan {listed}", not_scanned=off, **evidence)
