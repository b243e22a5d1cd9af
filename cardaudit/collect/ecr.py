"""ECR: repositories and how the registry's scanning rules apply to each."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.inventory import AwsResource, EcrRepository, Unknown


def _rule_for(repo: str, rules: list[dict[str, Any]]) -> str | None:
    for rule in rules:
        for flt in rule.get("repositoryFilters", []):
            if flt.get("filterType", "WILDCARD") == "WILDCARD" and fnmatchcase(repo, flt.get("filter", "")):
                return str(rule.get("scanFrequency"))
    return None


def collect_ecr(api: Api) -> dict[str, list[AwsResource]]:
    registry = api.detail("get_registry_scanning_configuration", lambda r: r["scanningConfiguration"])
    repos: list[AwsResource] = []
    for repo in api.pages("describe_repositories", "repositories"):
        name = repo["repositoryName"]
        scan_type: str | Unknown | None
        frequency: str | None = None
        if isinstance(registry, Unknown):
            scan_type = registry
        else:
            scan_type = registry.get("scanType")
            frequency = _rule_for(name, registry.get("rules", []))
        tags = api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("tags")),
                          resourceArn=repo["repositoryArn"])
        repos.append(EcrRepository(
            arn=repo["repositoryArn"], account=api.account, region=api.region, name=name, tags=tags,
            scan_on_push=bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush", False)),
            tag_mutability=repo.get("imageTagMutability", "MUTABLE"),
            encryption_type=repo.get("encryptionConfiguration", {}).get("encryptionType", "AES256"),
            registry_scan_type=scan_type, registry_scan_frequency=frequency,
        ))
    return {"ecr_repositories": repos}
