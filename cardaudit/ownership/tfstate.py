"""Terraform state files (format version 4, JSON) as IaC evidence.

`resources[]` holds `{mode, type, name, module?, instances[].attributes}`; managed resources claim
`attributes.arn`, and `attributes.id` for types whose id is the resource's name. Each claim names
its resource address (`module.net.aws_vpc.main`) and line.
"""

from __future__ import annotations

from pathlib import Path

from cardaudit.jsonlines import loads_with_lines
from cardaudit.models.ownership import IacSource
from cardaudit.ownership.iac import NAME_IDS, Claim, IacClaims, not_read, read_json_evidence, source_label


def load_terraform_state(source: IacSource, path: Path, shown_as: str) -> IacClaims:
    got = read_json_evidence(source, path, shown_as, loads_with_lines)
    if isinstance(got, IacClaims):
        return got
    doc, _, record = got
    label = source_label(source)
    if not isinstance(doc, dict) or doc.get("version") != 4 or not isinstance(doc.get("resources"), list):
        return not_read(source, f"{shown_as}:1: not a Terraform state file of format version 4 "
                                "(no `version: 4` with a `resources` list)", record)
    arns: dict[str, Claim] = {}
    names: dict[tuple[str, str], Claim] = {}
    for res in doc["resources"]:
        if not isinstance(res, dict) or res.get("mode") != "managed":
            continue  # data sources read, they do not manage
        address = ".".join(str(p) for p in (res.get("module"), res.get("type"), res.get("name")) if p)
        cfn_type = NAME_IDS.get(str(res.get("type")))
        for instance in res.get("instances") or []:
            attributes = instance.get("attributes") if isinstance(instance, dict) else None
            if not isinstance(attributes, dict):
                continue
            line = getattr(instance, "line", 0) or getattr(res, "line", 0) or 1
            claim = Claim("terraform", source.stack, f"{shown_as}:{line} ({address})")
            if isinstance(attributes.get("arn"), str):
                arns.setdefault(attributes["arn"], claim)
            if cfn_type and isinstance(attributes.get("id"), str):
                names.setdefault((cfn_type, attributes["id"]), claim)
    return IacClaims(source, label, arns, names, files=(record,))
