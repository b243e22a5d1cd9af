"""Evaluate checks over an inventory with the honest-status rules.

- A scope (account, region) where a needed slice failed to collect gets one NOT_ASSESSED finding
  for the check, with the collection error as the reason; the check runs on the other scopes.
- An account-scoped check (it judges the account as a whole) is NOT_ASSESSED for an account where
  any needed slice has an error, because a missing region could hold what it looks for (a region
  the account has not enabled cannot, so it does not count): one NOT_ASSESSED finding per blind
  region, on the scope `*`, like any other check.
- A slice never collected for an account makes the check NOT_ASSESSED there.
- A check that raises becomes one ERROR finding for that check; the run goes on.
- A check that judges an age names `CLOCK` among its needs and receives the inventory's
  `collected_at`: re-auditing a saved inventory judges it as of its collection, not of today.
- A check that must name regions where nothing was found (no trail covers us-east-1) names
  `REGIONS` among its needs and receives the regions its slices were collected in, without error,
  for the account it judges (account-scoped) or for every account (otherwise); regions the
  account has not enabled are not among them.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence

from cardaudit.engine.registry import CheckSpec
from cardaudit.models.artifacts import ArtifactDoc
from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.models.inventory import (
    GLOBAL,
    REGION_NOT_ENABLED,
    REPO_SLICES,
    AwsResource,
    CollectionError,
    Inventory,
    Slice,
)

CLOCK = "clock"
REGIONS = "regions"
PSEUDO_NEEDS = (CLOCK, REGIONS)


def evaluate(inventory: Inventory, specs: Sequence[CheckSpec]) -> list[Finding]:
    """Run the evaluate-stage checks; gap kinds of the attribute stage are left to that stage."""
    findings: list[Finding] = []
    for spec in specs:
        if spec.stage != "evaluate":
            continue
        findings.extend(_run_one(inventory, spec))
    return findings


def _finding(spec: CheckSpec, result: Result) -> Finding:
    return Finding.of(spec.id, spec.severity, "control", result)


def _scope_ref(spec: CheckSpec, account: str, region: str | None) -> ResourceRef:
    return ResourceRef(type=spec.resource_type, id="*", account=account, region=region)


def _blind(spec: CheckSpec, account: str, region: str | None, reason: str) -> Finding:
    return _finding(spec, Result.not_assessed(_scope_ref(spec, account, region), reason))


def _errors_by_scope(slices: Iterable[Slice[AwsResource]]) -> dict[tuple[str, str], list[CollectionError]]:
    out: dict[tuple[str, str], list[CollectionError]] = {}
    for sl in slices:
        for err in sl.errors:
            out.setdefault((err.account, err.region), []).append(err)
    return out


def _reason(errors: list[CollectionError]) -> str:
    return "; ".join(sorted({err.reason for err in errors}))


def _run_repo_check(inventory: Inventory, spec: CheckSpec) -> list[Finding]:
    """Checks over repository files: blind only when no checkout was given at all.

    A file that did not parse is one ERROR finding, with its line, for each check that reads its
    kind; the check itself sees only the files that parsed and are of its kind. A check that links
    repository files to the account (drift) also needs AWS slices: it receives each whole `Slice`,
    with the scopes that were read and their errors, and says NOT_ASSESSED itself when the side it
    links to was blind.
    """
    if not inventory.repos:
        ref = ResourceRef(type=spec.resource_type, id="*")
        return [_finding(spec, Result.not_assessed(ref, "no repository checkout was given (--repo NAME=PATH)"))]
    out: list[Finding] = []
    parsed: list[object] = []
    for name in spec.needs:
        if name in PSEUDO_NEEDS:
            continue
        if name not in REPO_SLICES:
            parsed.append(inventory.slice(name))
            continue
        docs: list[ArtifactDoc] = getattr(inventory, name)
        for doc in docs:
            if doc.problem is not None:
                ref = doc.file.ref(line=doc.problem.line)
                out.append(_finding(spec, Result.error(ref, f"cannot parse {doc.problem.text(doc.file)}")))
        # A file that is not of the kind its name suggests (doc.skipped) is neither judged nor an error.
        parsed.append([doc for doc in docs if doc.problem is None and doc.skipped is None])
    return out + _call(spec, _arguments(spec, parsed, inventory, []))


def _run_one(inventory: Inventory, spec: CheckSpec) -> list[Finding]:
    if any(name in REPO_SLICES for name in spec.needs):
        return _run_repo_check(inventory, spec)
    data_needs = [name for name in spec.needs if name not in PSEUDO_NEEDS]
    slices = [inventory.slice(name) for name in data_needs]
    errors = _errors_by_scope(slices)
    out: list[Finding] = []
    accounts: list[str] = []
    for account in inventory.accounts:
        missing = [name for name, sl in zip(data_needs, slices, strict=True)
                   if not any(scope.account == account for scope in sl.scopes)]
        if missing:
            out.append(_blind(spec, account, None, f"not collected for this account: {', '.join(missing)}"))
        else:
            accounts.append(account)

    if spec.scope == "account":
        for account in accounts:
            # A region the account has not enabled cannot hold what the check looks for.
            account_errors = [e for (acct, _), errs in errors.items() if acct == account for e in errs
                              if e.code != REGION_NOT_ENABLED]
            if account_errors:
                # One finding per blind region, like any check, rather than on a made-up resource.
                for region in sorted({e.region for e in account_errors}):
                    out.append(_blind(spec, account, region,
                                      _reason([e for e in account_errors if e.region == region])))
                continue
            items = iter([[r for r in sl.items if r.account == account] for sl in slices])
            regions = _regions(slices, errors, {account})
            out.extend(_call(spec, (account, *_arguments(spec, items, inventory, regions))))
        return out

    for (account, region), errs in sorted(errors.items()):
        if account in accounts:
            out.append(_blind(spec, account, region, _reason(errs)))

    def visible(resource: AwsResource) -> bool:
        return (
            resource.account in accounts
            and (resource.account, resource.region) not in errors
            and (resource.account, GLOBAL) not in errors
        )

    seen = iter([[r for r in sl.items if visible(r)] for sl in slices])
    out.extend(_call(spec, _arguments(spec, seen, inventory, _regions(slices, errors, set(accounts)))))
    return out


def _regions(slices: list[Slice[AwsResource]], errors: dict[tuple[str, str], list[CollectionError]],
             accounts: set[str]) -> list[str]:
    """Regions (not `global`) where the slices were collected for these accounts without an error."""
    return sorted({scope.region for sl in slices for scope in sl.scopes
                   if scope.account in accounts and scope.region != GLOBAL
                   and (scope.account, scope.region) not in errors})


def _arguments(spec: CheckSpec, data: Iterable[object], inventory: Inventory,
               regions: list[str]) -> tuple[object, ...]:
    """The check's arguments in the order of its needs, the clock and regions where it asked for them."""
    values = iter(data)
    pseudo: dict[str, object] = {CLOCK: inventory.collected_at, REGIONS: regions}
    return tuple(pseudo[name] if name in pseudo else next(values) for name in spec.needs)


def _call(spec: CheckSpec, args: tuple[object, ...]) -> list[Finding]:
    if spec.fn is None:
        raise ValueError(f"{spec.id} is computed by the {spec.stage} stage, not called by the runner")
    out: list[Finding] = []
    try:
        for result in spec.fn(*args):
            out.append(_finding(spec, result))
    except Exception as exc:  # noqa: BLE001 -- the one place a check's own failure is contained
        where = traceback.extract_tb(exc.__traceback__)[-1]
        ref = ResourceRef(type="cardaudit::Check", id=spec.id)
        reason = f"check raised {type(exc).__name__}: {exc} ({where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
        out.append(_finding(spec, Result.error(ref, reason)))
    return out
