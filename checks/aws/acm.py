"""ACM certificates: none expires within 30 days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import AcmCertificate

MIN_VALIDITY = timedelta(days=30)
# Certificates that exist as certificates; pending, failed and revoked requests are not judged.
JUDGED = frozenset({"ISSUED", "EXPIRED", "INACTIVE"})


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@check(
    title="ACM certificates are valid for at least 30 more days",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::CertificateManager::Certificate",
    needs=("clock", "acm_certificates"),
)
def acm_certificate_not_expiring_30_days(now: datetime, certificates: list[AcmCertificate]) -> Iterator[Result]:
    """What it checks:
    Each issued (or expired, or inactive) ACM certificate's NotAfter is at least 30 days after
    the run's collection time. Amazon-issued certificates that ACM can renew are judged the
    same: ACM renews 60 days ahead, so one within 30 days of expiry has a renewal problem.

    Why it matters:
    An expired certificate breaks TLS for the endpoints that use it, and pushes teams to accept
    invalid certificates or fall back to unprotected channels; keeping certificates valid is
    part of using trusted certificates for account data in transit.

    How to fix:
    For an imported certificate, import the renewed one over it (`aws acm import-certificate
    --certificate-arn <arn>`); for an Amazon-issued one, fix its DNS validation record so that
    managed renewal succeeds; delete certificates no longer used.
    """
    for cert in certificates:
        if cert.status not in JUDGED:
            continue
        if cert.not_after is None:
            yield Result.not_assessed(cert.ref(), "ListCertificates gave no NotAfter for this certificate")
            continue
        left = _aware(cert.not_after) - _aware(now)
        evidence = {"not_after": cert.not_after.isoformat(), "days_left": left.days, "type": cert.certificate_type,
                    "in_use": cert.in_use}
        if left < timedelta(0):
            yield Result.failed(cert.ref(), f"expired {-left.days} day(s) ago", **evidence)
        elif left < MIN_VALIDITY:
            yield Result.failed(cert.ref(), f"expires in {left.days} day(s)", **evidence)
        else:
            yield Result.passed(cert.ref(), f"valid for {left.days} more days", **evidence)
