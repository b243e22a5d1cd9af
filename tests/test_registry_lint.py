"""Meta-lint of the check registry (as c7n's PolicyMetaLint and Checkov's id-collision test)."""

from __future__ import annotations

import re
from pathlib import Path

from cardaudit.engine.registry import load_checks
from cardaudit.models.inventory import REPO_SLICES, Inventory
from cardaudit.ownership.gaps import GAP_KINDS

TESTS = Path(__file__).parent


def test_ids_are_readable_unique_and_permanent() -> None:
    specs = load_checks()
    ids = list(specs)
    assert len(ids) == len(set(ids))
    aliases = [a for s in specs.values() for a in s.aliases]
    assert not set(aliases) & set(ids)
    for check_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+){2,}", check_id), check_id


def test_every_need_is_collected() -> None:
    # clock: the inventory's collected_at; regions: the regions the check's slices were read in
    slices = set(Inventory.slice_names()) | set(REPO_SLICES) | {"clock", "regions"}
    for spec in load_checks().values():
        if spec.stage == "attribute":
            continue
        assert set(spec.needs) <= slices, (spec.id, spec.needs)
        # Repository files and AWS slices together only in a link check, whose findings sit on the file;
        # a repository check may also read the clock (runtime deprecation dates).
        mixed = set(spec.needs) & set(REPO_SLICES) and set(spec.needs) - set(REPO_SLICES) - {"clock", "regions"}
        assert not mixed or spec.resource_type.startswith("Repo::"), spec.id


def test_every_check_is_exercised_by_a_test() -> None:
    text = "".join(p.read_text() for p in TESTS.rglob("test_*.py") if p.name != Path(__file__).name)
    for check_id in load_checks():
        short = check_id.removeprefix("ownership_")
        assert check_id in text or f'"{short}"' in text, f"no test mentions {check_id}"


def test_gap_kinds_are_registered_in_the_one_registry() -> None:
    """Every gap kind the ownership stage reports is a registered attribute-stage check, and only those are."""
    specs = load_checks()
    assert {s.id for s in specs.values() if s.stage == "attribute"} == set(GAP_KINDS)
    for check_id in GAP_KINDS:
        assert specs[check_id].fn is None and specs[check_id].kind == "ownership"
