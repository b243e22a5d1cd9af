"""The resolver's rule index gives exactly the answer of trying every rule, on a mix of rule kinds."""

from __future__ import annotations

import random
from pathlib import Path

from cardaudit.models.ownership import IacSource
from cardaudit.ownership.iac import IacIndex
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Candidate, Resolution, Resolver, ResourceFacts, decide, match_resource

ACCOUNT = "111122223333"
RULES = """\
version: 1
teams: {app: {name: A}, infra: {name: I}, data: {name: D}}
resources:
  - {id: exact, match: {arn: "arn:aws:s3:::acme-app-1"}, primary: app}
  - {id: two-arns, match: {arn: ["arn:aws:s3:::acme-data-*", "arn:aws:sqs:eu-west-1:111122223333:q?"]}, primary: data}
  - {id: glob, match: {arn: "arn:aws:s3:::acme-*"}, primary: infra}
  - {id: any-region, match: {arn: "arn:aws:sqs:*:111122223333:*"}, primary: infra}
  - {id: short-glob, match: {arn: "arn:aws:s3:::*"}, primary: data, priority: 90}
  - {id: types, match: {type: [AWS::SQS::Queue, AWS::S3::Bucket]}, primary: infra}
  - {id: typed-tag, match: {type: AWS::S3::Bucket, tags: {team: [app, data]}}, primary: app}
  - {id: two-tags, match: {tags: {team: data, env: prod}}, primary: data}
  - {id: empty-tags, match: {tags: {}}, primary: infra}
  - {id: no-values, match: {tags: {team: []}}, primary: app}
  - {id: stack, match: {iac: {tool: cloudformation, stack: s1}}, primary: app}
  - {id: any-stack, match: {iac: {tool: cloudformation}, tags: {env: prod}}, primary: infra}
  - {id: account, match: {account: "111122223333"}, primary: infra}
  - {id: region, match: {region: [eu-west-1]}, primary: data, overrides: [account]}
  - {id: arn-and-tag, match: {arn: "arn:aws:sqs:eu-west-1:*:*", tags: {team: app}}, primary: app}
"""


def _brute(resolver: Resolver, facts: ResourceFacts) -> Resolution:
    out = []
    for index, rule in enumerate(resolver.ownership.model.resources):
        hit = match_resource(rule.match, facts)
        if hit is not None:
            out.append(Candidate(rule.id, rule.primary, tuple(rule.supporting),
                                 rule.priority if rule.priority is not None else hit[0], hit[1],
                                 resolver.ownership.resource_rule_line(index), hit[2], tuple(rule.overrides)))
    return decide(facts.subject, out)


def test_index_gives_the_answer_of_every_rule(tmp_path: Path) -> None:
    path = tmp_path / "ownership.yaml"
    path.write_text(RULES)
    resolver = Resolver(load_ownership(path), IacIndex())
    rng = random.Random(3)
    arns = ["arn:aws:s3:::acme-app-1", "arn:aws:s3:::acme-data-7", "arn:aws:s3:::other",
            "arn:aws:sqs:eu-west-1:111122223333:q1", "arn:aws:sqs:us-east-1:111122223333:orders", None]
    for _ in range(600):
        arn = rng.choice(arns)
        tags = rng.choice([None, {}, {"team": rng.choice(["app", "data", "infra"]), "env": rng.choice(["prod", "dev"])},
                           {"env": "prod"}])
        iac = rng.choice([(), (IacSource(tool="cloudformation", stack=rng.choice(["s1", "s2"])),),
                          (IacSource(tool="pulumi", stack="p"),)])
        facts = ResourceFacts(arn, rng.choice([ACCOUNT, "999999999999"]), rng.choice(["eu-west-1", "us-east-1"]),
                              rng.choice(["AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::IAM::Role"]), "x", tags, iac)
        got = resolver.resource(facts)
        want = _brute(resolver, facts)
        assert (got.status, got.primary, got.supporting, got.winners, got.candidates) == (
            want.status, want.primary, want.supporting, want.winners, want.candidates), facts
