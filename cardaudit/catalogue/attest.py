"""attestations.yaml: a person's statement about a manual or partial item, with its evidence.

The report shows such an item as ATTESTED while the attestation is current, ATTESTATION_EXPIRED
after its `expires` date, and MANUAL when nobody attested it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import model_validator

from cardaudit.catalogue.load import Catalogue
from cardaudit.errors import ConfigError
from cardaudit.models.base import Frozen, PciId
from cardaudit.yamlfile import line_of, load_model


class Attestation(Frozen):
    item: PciId
    status: Literal["in_place", "not_in_place", "not_applicable"]
    evidence: str
    attested_by: str
    date: dt.date
    expires: dt.date | None = None
    note: str | None = None


    @model_validator(mode="after")
    def _expiry_after_date(self) -> Attestation:
        if self.expires is not None and self.expires <= self.date:
            raise ValueError(f"expires ({self.expires}) must be after date ({self.date})")
        return self


class AttestationsFile(Frozen):
    version: Literal[1]
    attestations: list[Attestation]


@dataclass(frozen=True)
class Attested:
    attestation: Attestation
    where: str  # file:line

    def expired(self, today: dt.date) -> bool:
        return self.attestation.expires is not None and self.attestation.expires < today


def load_attestations(path: Path, catalogue: Catalogue) -> dict[str, Attested]:
    model, raw = load_model(AttestationsFile, path)
    out: dict[str, Attested] = {}
    for index, att in enumerate(model.attestations):
        line = line_of(raw, ("attestations", index))
        item = catalogue.by_id.get(att.item)
        if item is None:
            raise ConfigError(f"item {att.item} is not in {catalogue.name}", path, line)
        if item.kind != "requirement":
            raise ConfigError(f"item {att.item} is a {item.kind}; attest its requirements", path, line)
        if item.assessment == "automated":
            raise ConfigError(f"item {att.item} is automated: its checks decide it, not an attestation", path, line)
        if att.item in out:
            raise ConfigError(f"item {att.item} is attested twice (first at {out[att.item].where})", path, line)
        out[att.item] = Attested(att, f"{path}:{line}")
    return out
