"""Ownership gap kinds: checks of the attribute stage, declared here with their metadata and docs.

The ownership stage (`cardaudit.ownership`) computes them from ownership.yaml, the inventory and
the other findings; the registry lists, documents and maps them like every other check.
"""

from __future__ import annotations

from cardaudit.engine.registry import gap
from cardaudit.models.base import Severity

UNOWNED = gap(
    "ownership_resource_unowned", severity=Severity.HIGH, resource_type="*",
    title="Every AWS resource and repo artifact resolves to a declared owning team",
    doc="""What it checks:
    Each collected AWS resource (AWS-managed keys and service-linked roles aside) and each
    repository artifact matches an ownership rule that names a declared team. When unreadable tags
    or IaC state could have decided it, the result is NOT_ASSESSED rather than FAIL.

    Why it matters:
    A resource nobody owns is a resource nobody patches, reviews or answers for in an assessment;
    roles and responsibilities must be assigned for every system component.

    How to fix:
    Add a `resources:` or `artifacts:` rule in ownership.yaml (by ARN, type, tags or IaC source)
    naming a team declared under `teams:`; `cardaudit owners explain <arn>` shows what matched.
    """)

CONTESTED = gap(
    "ownership_resource_contested", severity=Severity.HIGH, resource_type="*",
    title="No resource is claimed by equally ranked rules naming different teams",
    doc="""What it checks:
    No resource or artifact is matched at the best rank by rules naming different primary teams
    (unless one rule lists the others in `overrides`). Only failures are reported: a resource with
    one owner shows it through its `ownership_resource_unowned` PASS.

    Why it matters:
    Two teams that both believe they own a component each expect the other to act; duties fall
    between them.

    How to fix:
    Make one rule more specific (an exact ARN beats a glob, a glob beats tags), or add `overrides:`
    to the rule that should win; `cardaudit owners explain` lists the tied rules with file:line.
    """)

DOUBLE_MANAGED = gap(
    "ownership_iac_double_managed", severity=Severity.HIGH, resource_type="*",
    title="No resource is managed by two infrastructure-as-code sources",
    doc="""What it checks:
    No resource is claimed by two IaC sources at once: CloudFormation or SAM stack tags on the
    resource, and the Pulumi state files declared in `settings.iac_sources`.

    Why it matters:
    Two tools managing one resource undo each other's changes: a fix applied through one is
    reverted by the next deployment of the other, outside change control.

    How to fix:
    Remove the resource from one of the sources (`pulumi state delete`, or delete it from the
    template with `DeletionPolicy: Retain`) and keep one owner of its definition.
    """)

UNMANAGED = gap(
    "ownership_resource_unmanaged", severity=Severity.MEDIUM, resource_type="*",
    title="Every resource is managed by a declared infrastructure-as-code source",
    doc="""What it checks:
    Each resource is claimed by a declared IaC source, unless its type is listed in
    `settings.unmanaged_allowed` with a reason. NOT_ASSESSED when an IaC source could not be read.

    Why it matters:
    A resource created by hand bypasses review and drifts unseen; changes to system components
    must go through change control.

    How to fix:
    Import the resource into the IaC stack that should own it (`pulumi import`, CloudFormation
    resource import), or list its type under `settings.unmanaged_allowed` with the reason.
    """)

TAG_MISMATCH = gap(
    "ownership_tag_mismatch", severity=Severity.MEDIUM, resource_type="*",
    title="Owner tags on resources agree with the owner ownership.yaml resolves",
    doc="""What it checks:
    Where a resource carries one of `settings.owner_tag_keys`, the tag names a declared team and
    the same team ownership.yaml resolves. NOT_ASSESSED when the resource has no single owner to
    compare with.

    Why it matters:
    People read tags in the console; a tag naming another team sends an incident to the wrong
    people.

    How to fix:
    Correct the tag, or the ownership rule, so that both name the team that really owns it.
    """)

REQUIREMENT_UNOWNED = gap(
    "ownership_requirement_unowned", severity=Severity.MEDIUM, resource_type="PCI::Requirement",
    title="Every PCI DSS requirement in scope has a declared owning team",
    doc="""What it checks:
    Each PCI DSS requirement in scope resolves, through a `requirements:` rule, to a declared team.
    Its result evidences only the roles-and-responsibilities item of its own principal requirement.

    Why it matters:
    Each principal requirement asks that roles and responsibilities for its activities be assigned
    and understood; an item nobody owns is an item nobody prepares evidence for.

    How to fix:
    Add a `requirements:` rule (`id: "10.*"` covers a whole principal requirement) naming a team.
    """)

FAILING_UNROUTED = gap(
    "ownership_failing_control_unowned", severity=Severity.HIGH, resource_type="*",
    title="Every failing control finding is routed to a team that must act",
    doc="""What it checks:
    Every resource with a FAIL or ERROR control finding has an owning team, so someone is asked to
    fix it.

    Why it matters:
    A failing control without an owner stays failing: the report names a problem and nobody who
    must act on it.

    How to fix:
    Add an ownership rule covering the resource; the finding is then routed to that team.
    """)

UNKNOWN_TEAM = gap(
    "ownership_unknown_team", severity=Severity.HIGH, resource_type="cardaudit::OwnershipRule",
    title="Ownership rules name only declared teams and third parties",
    doc="""What it checks:
    Every rule's primary and supporting teams are declared under `teams:`, and every `tpsp:` names
    a third party declared under `external:`.

    Why it matters:
    A rule naming a team that does not exist routes findings to nobody; usually a typo or a team
    that was renamed.

    How to fix:
    Declare the team, or correct the rule; `cardaudit owners lint` lists every such rule.
    """)

STALE_RULE = gap(
    "ownership_stale_rule", severity=Severity.LOW, resource_type="cardaudit::OwnershipRule",
    title="Every ownership rule still matches something",
    doc="""What it checks:
    Every rule matches at least one resource, artifact or requirement of the audit. NOT_ASSESSED
    when the inventory had collection errors, the rule is about a type cardaudit does not collect,
    or its repository was not given.

    Why it matters:
    Rules for resources that are gone make the matrix look complete while it no longer describes
    the environment; the inventory of components and their owners must be kept current.

    How to fix:
    Delete the rule, or fix its match so it names what exists.
    """)

SHADOWED_RULE = gap(
    "ownership_shadowed_rule", severity=Severity.LOW, resource_type="cardaudit::OwnershipRule",
    title="Every ownership rule that matches also decides somewhere",
    doc="""What it checks:
    Every rule that matches something also decides the owner of at least one subject; a rule
    that a more specific rule always beats decides nothing.

    Why it matters:
    A rule that never decides misleads whoever reads the matrix about who owns what.

    How to fix:
    Delete the rule, or narrow the rule that always wins.
    """)

REVIEW_OVERDUE = gap(
    "ownership_review_overdue", severity=Severity.LOW, resource_type="cardaudit::OwnershipRule",
    title="Ownership rules and third parties were reviewed within the review period",
    doc="""What it checks:
    Each rule's and third party's `reviewed` date is within `settings.review_every`, and every
    third party has been reviewed at least once.

    Why it matters:
    Responsibilities and third-party arrangements change; an unreviewed matrix drifts from how the
    company really works.

    How to fix:
    Review the rule with its team and update its `reviewed:` date.
    """)

TPSP_UNEVIDENCED = gap(
    "ownership_tpsp_unevidenced", severity=Severity.MEDIUM, resource_type="cardaudit::OwnershipRule",
    title="Requirements shared with a third party name it and cite its evidence",
    doc="""What it checks:
    Every `tpsp` or `shared` requirement rule names a third party (`tpsp:`) declared under
    `external:` with `evidence:` (its AOC or responsibility matrix). NOT_ASSESSED when the third
    party is not declared.

    Why it matters:
    For each requirement a service provider covers, the entity must know which party covers what,
    and hold the provider's evidence.

    How to fix:
    Name the provider in the rule and cite its evidence under `external:`.
    """)

CODEOWNERS_DISAGREES = gap(
    "ownership_codeowners_disagrees", severity=Severity.MEDIUM, resource_type="*",
    title="A repository's CODEOWNERS and ownership.yaml name the same team for each file",
    doc="""What it checks:
    For each repository artifact, the owners of the last matching CODEOWNERS line (GitHub syntax,
    mapped to teams through their `handles` and `contacts`) include the team ownership.yaml
    resolves the file to. Both lines are named, file:line. NOT_ASSESSED when the repository has no
    readable CODEOWNERS, the line is malformed, or its owners map to no declared team.

    Why it matters:
    CODEOWNERS decides who reviews a change; ownership.yaml decides who answers for it. When they
    disagree, changes are approved by a team that is not accountable for them.

    How to fix:
    Change the CODEOWNERS line or the ownership rule so that they agree, and add each team's
    GitHub handles (`@org/team`) to its `handles:` in ownership.yaml.
    """)
