"""ACM certificates and their validity."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.resource_type import ResourceType


class AcmCertificate(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CertificateManager::Certificate", slice="acm_certificates", service="acm", regional=True,
        arn=("acm", "certificate"), asff_type="AwsCertificateManagerCertificate",
        operations=("acm:ListCertificates", "acm:ListTagsForCertificate"),
    )

    domain_name: str
    status: str  # ISSUED, EXPIRED, PENDING_VALIDATION, INACTIVE, REVOKED, FAILED, VALIDATION_TIMED_OUT
    certificate_type: str = ""  # AMAZON_ISSUED, IMPORTED, PRIVATE
    in_use: bool | None = None
    not_after: datetime | None = None
    renewal_eligibility: str = ""
