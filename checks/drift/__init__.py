"""Repository <-> account links: what a repository declares against what is deployed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cardaudit.models.base import Status
from cardaudit.models.finding import Result

_WORST = (Status.FAIL, Status.ERROR, Status.NOT_ASSESSED, Status.PASS)


def one_per_field(results: Iterable[Result]) -> Iterator[Result]:
    """One result per file field: a file linked to several deployed copies (the same family in two
    regions, one buildspec run by two projects) says once what each of them showed, worst first."""
    grouped: dict[str, list[Result]] = {}
    for result in results:
        grouped.setdefault(result.resource.key, []).append(result)
    for same in grouped.values():
        if len(same) == 1:
            yield same[0]
            continue
        same.sort(key=lambda r: _WORST.index(r.status))
        worst = same[0]
        arns = [str(r.evidence.get("live_arn")) for r in same if r.evidence.get("live_arn")]
        yield worst.model_copy(update={"reason": "; ".join(dict.fromkeys(r.reason for r in same)),
                                       "evidence": {**worst.evidence, "live_arns": arns}})
