"""ACM certificates: status, type, use and expiry, from ListCertificates; tags per certificate.

ListCertificates gives NotAfter, InUse and the status in its summaries, so no DescribeCertificate
is needed. By default it lists only RSA_2048 certificates: every key type is asked for.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.acm import AcmCertificate
from cardaudit.models.aws.resource import AwsResource

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]


def collect_acm(api: Api) -> dict[str, list[AwsResource]]:
    def read(c: dict[str, Any]) -> AwsResource:
        arn = c["CertificateArn"]
        return AcmCertificate(
            arn=arn, account=api.account, region=api.region, name=c.get("DomainName") or arn.rsplit("/", 1)[-1],
            tags=api.detail("list_tags_for_certificate", lambda r: tag_dict(r.get("Tags")), CertificateArn=arn),
            domain_name=c.get("DomainName", ""), status=c.get("Status", ""), certificate_type=c.get("Type", ""),
            in_use=c.get("InUse"), not_after=c.get("NotAfter"), renewal_eligibility=c.get("RenewalEligibility", ""),
        )

    summaries = api.pages("list_certificates", "CertificateSummaryList", Includes={"keyTypes": KEY_TYPES})
    return {"acm_certificates": api.each(read, summaries)}
