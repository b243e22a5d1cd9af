"""Build a JSON Schema for one OCSF event class from the ocsf/ocsf-schema definitions.

OCSF publishes its schema as definitions (dictionary.json, objects/, events/, profiles/, includes/),
not as JSON Schema files; its server exports JSON Schema on request, which this workplace cannot
reach. This script does the same projection offline, for the Compliance Finding class:

    python tests/schemas/ocsf_schema_gen.py /path/to/ocsf-schema-checkout > \\
        tests/schemas/ocsf-1.8.0-compliance_finding.schema.json

Generated from ocsf/ocsf-schema at commit 3dcb905d ("v1.8.0 prep", version.json 1.8.0, the newest
release in the stored snapshot), Apache-2.0 (see tests/schemas/README.md).

What it keeps: every attribute of the class, its parents, its objects and all their profiles
(profiles are optional in OCSF, so their attributes are allowed, never required); types (string,
integer, number, boolean; `json_t` is anything), arrays, enums of `_id` attributes, `required`
attributes (0 Unknown and 99 Other added to every `_id` enum, as OCSF reserves them), and
`additionalProperties: false` on the class and every object, so that a misspelt or
invented field fails. What it leaves out: regex and length limits of a few string types,
`at_least_one` constraints and deprecation notices.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PRIMITIVES = {"string_t": {"type": "string"}, "integer_t": {"type": "integer"}, "long_t": {"type": "integer"},
              "float_t": {"type": "number"}, "boolean_t": {"type": "boolean"}, "json_t": {}}


class Ocsf:
    def __init__(self, root: Path) -> None:
        self.root = root
        dictionary = json.loads((root / "dictionary.json").read_text())
        self.attributes: dict[str, Any] = dictionary["attributes"]
        self.types: dict[str, Any] = dictionary["types"]["attributes"]
        self.objects = {p.stem: json.loads(p.read_text()) for p in (root / "objects").glob("*.json")}
        self.defs: dict[str, Any] = {}

    def _layers(self, definition: dict[str, Any], folder: str) -> dict[str, Any]:
        """Attributes of a definition merged over its parents' (`extends`) and its `$include`d files."""
        merged: dict[str, Any] = {}
        parent = definition.get("extends")
        if parent and parent != "object":
            source = self.objects[parent] if folder == "objects" else self._event(parent)
            merged = self._layers(source, folder)
        for name, attr in definition.get("attributes", {}).items():
            if name == "$include":
                for include in attr:
                    for inc_name, inc_attr in json.loads((self.root / include).read_text())["attributes"].items():
                        # Profile attributes are optional: a profile may or may not be applied.
                        merged[inc_name] = {**merged.get(inc_name, {}), **inc_attr, "requirement": "optional"}
                continue
            merged[name] = {**merged.get(name, {}), **attr}
        return merged

    def _event(self, name: str) -> dict[str, Any]:
        found = [p for p in (self.root / "events").rglob(f"{name}.json")]
        return json.loads(found[0].read_text())

    def _type(self, name: str) -> dict[str, Any]:
        if name == "object":
            return {"type": "object"}  # OCSF's open object (`unmapped`): any content
        while name not in PRIMITIVES:
            if name in self.types:
                name = self.types[name]["type"]
            else:
                return {"$ref": f"#/$defs/{self._object(name)}"}
        return dict(PRIMITIVES[name])

    def _object(self, name: str) -> str:
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: objects refer to each other
            self.defs[name] = self._schema(self._layers(self.objects[name], "objects"))
        return name

    def _schema(self, attributes: dict[str, Any]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required = []
        for name, local in attributes.items():
            attr = {**self.attributes.get(name, {}), **local}
            item = self._type(attr.get("type") or attr.get("object_type") or "json_t")
            if "enum" in attr and item.get("type") == "integer":
                # 0 (Unknown) and 99 (Other) belong to every OCSF `_id` enum, declared or not.
                item["enum"] = sorted({0, 99} | {int(k) for k in attr["enum"]})
            properties[name] = {"type": "array", "items": item} if attr.get("is_array") else item
            if attr.get("requirement") == "required":
                required.append(name)
        return {"type": "object", "properties": properties, "required": sorted(required),
                "additionalProperties": False}

    def event_schema(self, name: str, category_uid: int) -> dict[str, Any]:
        event = self._event(name)
        schema = self._schema(self._layers(event, "events"))
        class_uid = category_uid * 1000 + event["uid"]
        props = schema["properties"]
        props["class_uid"] = {"const": class_uid}
        props["category_uid"] = {"const": category_uid}
        props["type_uid"] = {"enum": [class_uid * 100 + a for a in props["activity_id"]["enum"]]}
        version = json.loads((self.root / "version.json").read_text())["version"]
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": f"urn:ocsf:{version}:{name}", "title": f"OCSF {version} {event['caption']} ({class_uid})",
                **schema, "$defs": dict(sorted(self.defs.items()))}


if __name__ == "__main__":
    print(json.dumps(Ocsf(Path(sys.argv[1])).event_schema("compliance_finding", 2), indent=1, sort_keys=True))
