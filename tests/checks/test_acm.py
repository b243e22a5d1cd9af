"""ACM checks against moto: imported certificates carry the validity they were made with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import Aws, outcomes, run_check

_KEY = ec.generate_private_key(ec.SECP256R1())


def _import(aws: Aws, name: str, days: int) -> None:
    now = datetime.now(UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(_KEY.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days)).sign(_KEY, hashes.SHA256()))
    aws.client("acm").import_certificate(
        Certificate=cert.public_bytes(serialization.Encoding.PEM),
        PrivateKey=_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()),
        Tags=[{"Key": "team", "Value": "infra"}])


def test_certificate_expiry(aws: Aws) -> None:
    _import(aws, "cards.example.com", 200)
    _import(aws, "statements.example.com", 10)
    aws.client("acm").request_certificate(DomainName="pending.example.com")  # PENDING_VALIDATION: not judged
    inventory = aws.collect("acm")
    assert outcomes(run_check("acm_certificate_not_expiring_30_days", inventory)) == {
        ("cards.example.com", "PASS"), ("statements.example.com", "FAIL")}
    assert {c.name: c.tags for c in inventory.acm_certificates.items}["cards.example.com"] == {"team": "infra"}
    aws.deny("acm", "ListCertificates")
    assert outcomes(run_check("acm_certificate_not_expiring_30_days", aws.collect("acm"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_the_clock_is_the_collection_time(aws: Aws) -> None:
    _import(aws, "cards.example.com", 40)
    inventory = aws.collect("acm")
    later = inventory.model_copy(update={"collected_at": inventory.collected_at + timedelta(days=15)})
    assert outcomes(run_check("acm_certificate_not_expiring_30_days", later)) == {("cards.example.com", "FAIL")}


def test_missing_not_after_is_not_assessed(aws: Aws) -> None:
    """A summary without NotAfter, answered as the ListCertificates API reference shapes it."""
    aws.answer("acm", "ListCertificates", {"CertificateSummaryList": [{
        "CertificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/1", "DomainName": "x.example.com",
        "Status": "ISSUED", "Type": "IMPORTED"}]})
    aws.deny("acm", "ListTagsForCertificate")
    inventory = aws.collect("acm")
    assert outcomes(run_check("acm_certificate_not_expiring_30_days", inventory)) == {
        ("x.example.com", "NOT_ASSESSED")}
    assert getattr(inventory.acm_certificates.items[0].tags, "unknown", False)
