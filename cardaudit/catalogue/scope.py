"""Which catalogue items are in scope: assessment profiles, default N/A items, and overrides.

Profiles and defaults ship in controls/profiles.yaml. A deployment overrides applicability in
ownership.yaml: a `requirements` rule with `responsibility: not_applicable` takes an item out
(its `note` is the reason); a rule with any other responsibility brings a default N/A item back.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field

from cardaudit.catalogue.load import Catalogue
from cardaudit.errors import ConfigError
from cardaudit.models.attribution import Applicability
from cardaudit.models.base import Frozen
from cardaudit.yamlfile import load_model


class Profile(Frozen):
    description: str
    sp_only: bool
    issuer_only: bool
    appendices: list[str] = Field(default_factory=list)


class NotApplicableRule(Frozen):
    ids: list[str]
    reason: str


class CatalogueDefaults(Frozen):
    not_applicable: list[NotApplicableRule] = Field(default_factory=list)


class ProfilesFile(Frozen):
    version: Literal[1]
    default: str
    profiles: dict[str, Profile]
    catalogues: dict[str, CatalogueDefaults] = Field(default_factory=dict)


def profiles_path() -> Path:
    return Path(str(resources.files("cardaudit.controls").joinpath("profiles.yaml")))


def load_profiles(path: Path | None = None) -> ProfilesFile:
    if path is None:
        return _shipped_profiles()
    model, _ = load_model(ProfilesFile, path)
    return model


@cache
def _shipped_profiles() -> ProfilesFile:
    model, _ = load_model(ProfilesFile, profiles_path())
    return model


def profile_named(name: str | None, profiles: ProfilesFile | None = None) -> tuple[str, Profile]:
    profiles = profiles or load_profiles()
    chosen = name or profiles.default
    if chosen not in profiles.profiles:
        from difflib import get_close_matches

        near = get_close_matches(chosen, list(profiles.profiles), n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise ConfigError(f"unknown PCI profile '{chosen}'{hint} (known: {', '.join(profiles.profiles)})")
    return chosen, profiles.profiles[chosen]


def profile_exclusion(catalogue: Catalogue, item_id: str, name: str, profile: Profile) -> str | None:
    """Why the profile leaves an item out, or None when it is in scope."""
    item = catalogue.by_id[item_id]
    root = item_id.split(".", 1)[0]
    if item.appendix and root not in profile.appendices:
        return f"appendix {root} is outside the {name} profile"
    if item.sp_only and not profile.sp_only:
        return f"service-provider-only item, outside the {name} profile"
    if item.issuer_only and not profile.issuer_only:
        return f"issuer-only item, outside the {name} profile"
    return None


def not_applicable(catalogue: Catalogue, profile_name: str | None = None,
                   applicability: Mapping[str, Applicability] | None = None,
                   profiles: ProfilesFile | None = None) -> dict[str, str]:
    """Item id -> reason, for every requirement out of scope under this profile and these overrides.

    `applicability` is the attribute stage's answer: per item, the ownership rule that covers it.
    """
    overrides = applicability or {}
    profiles = profiles or load_profiles()
    name, profile = profile_named(profile_name, profiles)
    default_rules = profiles.catalogues.get(catalogue.name, CatalogueDefaults()).not_applicable
    out: dict[str, str] = {}
    for item in catalogue.items:
        if item.kind != "requirement":
            continue
        excluded = profile_exclusion(catalogue, item.id, name, profile)
        if excluded:
            out[item.id] = excluded
            continue
        override = overrides.get(item.id)
        if override is not None and override.not_applicable:
            out[item.id] = f"{override.note or 'declared not applicable'} ({override.where})"
            continue
        for default in default_rules:
            matched = [pattern for pattern in default.ids if _covers(pattern, item.id)]
            # A broad ownership rule ("9.*") says who owns, not what applies: only a rule naming
            # the item itself, or the default's own pattern, brings a default N/A item back.
            restored = override is not None and override.rule_id in (item.id, *matched)
            if matched and not restored:
                out[item.id] = f"{default.reason} (cardaudit default for a cloud-only issuer)"
    return out


def _covers(pattern: str, item_id: str) -> bool:
    if pattern.endswith(".*"):
        prefix = pattern[:-2]
        return item_id == prefix or item_id.startswith(prefix + ".")
    return item_id == pattern
