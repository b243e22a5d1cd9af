"""Demo estate, edge: ELB, CloudFront, API Gateway, WAF, ACM."""

from __future__ import annotations

import boto3

from cardaudit.demo.seed import Seeded


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DEMO_GAPS."""
    del session, seeded  # nothing of this domain is seeded yet
