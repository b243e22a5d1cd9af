"""AWS Backup: plans with their resource assignments, vaults, and what each region protects.

Three collect functions, so that a refused call blinds only what it reads: the plans, the vaults,
and the region's protected resources and service opt-in (read for every region, Backup used or not).
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.collect.contain import CallFailed
from cardaudit.models.aws.backup import (
    BackupPlan,
    BackupRegionCoverage,
    BackupSelection,
    BackupVault,
    TagCondition,
)
from cardaudit.models.aws.resource import AwsResource, Unknown

# Conditions name their tag as a condition key; ListOfTags names it bare.
_TAG_PREFIX = "aws:ResourceTag/"


def _tag_conditions(raw: dict[str, Any]) -> list[TagCondition]:
    return [TagCondition(operator=op, key=str(c["ConditionKey"]).removeprefix(_TAG_PREFIX),
                         value=str(c["ConditionValue"]))
            for op, tests in raw.items() for c in tests or []]


def _selection(resp: dict[str, Any]) -> BackupSelection:
    sel = resp["BackupSelection"]
    return BackupSelection(
        name=str(sel.get("SelectionName", "")), selection_id=str(resp.get("SelectionId", "")),
        resources=[str(r) for r in sel.get("Resources") or []],
        not_resources=[str(r) for r in sel.get("NotResources") or []],
        # ListOfTags' only ConditionType is STRINGEQUALS.
        list_of_tags=[TagCondition(operator="StringEquals", key=str(c["ConditionKey"]).removeprefix(_TAG_PREFIX),
                                   value=str(c["ConditionValue"])) for c in sel.get("ListOfTags") or []],
        conditions=_tag_conditions(dict(sel.get("Conditions") or {})),
    )


def _unknown(exc: CallFailed) -> Unknown:
    return Unknown(operation=exc.operation, code=exc.code, message=exc.message)


def collect_backup_plans(api: Api) -> dict[str, list[AwsResource]]:
    def selections(plan_id: str) -> list[BackupSelection] | Unknown:
        """Every selection of the plan, or Unknown: a plan with one unreadable selection is not known."""
        try:
            listed = api.pages("list_backup_selections", "BackupSelectionsList", BackupPlanId=plan_id)
        except CallFailed as exc:
            return _unknown(exc)
        out: list[BackupSelection] = []
        for item in listed:
            sel = api.detail("get_backup_selection", _selection, BackupPlanId=plan_id,
                             SelectionId=item["SelectionId"])
            if isinstance(sel, Unknown):
                return sel
            out.append(sel)
        return out

    def read(plan: dict[str, Any]) -> AwsResource:
        arn = str(plan["BackupPlanArn"])
        return BackupPlan(
            arn=arn, account=api.account, region=api.region,
            name=str(plan.get("BackupPlanName") or plan["BackupPlanId"]),
            tags=api.detail("list_tags", lambda r: dict(r.get("Tags") or {}), ResourceArn=arn),
            plan_id=str(plan["BackupPlanId"]), selections=selections(str(plan["BackupPlanId"])),
        )

    return {"backup_plans": api.each(read, api.pages("list_backup_plans", "BackupPlansList"))}


def collect_backup_vaults(api: Api) -> dict[str, list[AwsResource]]:
    def read(vault: dict[str, Any]) -> AwsResource:
        arn = str(vault["BackupVaultArn"])
        return BackupVault(
            arn=arn, account=api.account, region=api.region, name=str(vault["BackupVaultName"]),
            tags=api.detail("list_tags", lambda r: dict(r.get("Tags") or {}), ResourceArn=arn),
            encryption_key_arn=vault.get("EncryptionKeyArn") or None, locked=bool(vault.get("Locked", False)),
            min_retention_days=vault.get("MinRetentionDays"),
        )

    return {"backup_vaults": api.each(read, api.pages("list_backup_vaults", "BackupVaultList"))}


def collect_backup_coverage(api: Api) -> dict[str, list[AwsResource]]:
    # Both are details of the region's one record: when one cannot be read, what can still be
    # decided without it (a plan assignment, an EFS automatic-backup policy) still is.
    protected: dict[str, Any] | Unknown
    try:
        protected = {str(r["ResourceArn"]): r.get("LastBackupTime")
                     for r in api.pages("list_protected_resources", "Results")}
    except CallFailed as exc:
        protected = _unknown(exc)
    opt_in = api.detail("describe_region_settings",
                        lambda r: {str(k): bool(v) for k, v in dict(r["ResourceTypeOptInPreference"]).items()})
    coverage = BackupRegionCoverage(
        arn=f"arn:aws:backup:{api.region}:{api.account}:protected-resources/{api.region}", account=api.account,
        region=api.region, name=f"protected-resources@{api.region}", protected=protected, opt_in=opt_in,
    )
    return {"backup_coverage": [coverage]}
