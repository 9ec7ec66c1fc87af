from __future__ import annotations

import datetime as dt
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from secretscan.detect.describe import describe


def _cert(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.acme.test")])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Acme CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(1234)
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
        .not_valid_after(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("api.acme.test"), x509.IPAddress(ipaddress.ip_address("10.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key: object, password: bytes | None = None) -> str:
    algo = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algo).decode()  # type: ignore[attr-defined]


def test_certificate_and_its_key_pair_by_public_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = dict(describe(_cert(key)))
    assert cert["cert.subject_cn"] == "api.acme.test"
    assert cert["cert.issuer_cn"] == "Acme CA"
    assert cert["cert.not_after"] == "2026-01-01T00:00:00Z"
    assert cert["cert.sans"] == "api.acme.test,10.0.0.1"
    assert cert["cert.self_signed"] == "no"
    priv = dict(describe(_key_pem(key)))
    assert (priv["key.algorithm"], priv["key.size"], priv["key.encrypted"]) == ("RSA", "2048", "no")
    assert priv["pubkey.sha256"] == cert["pubkey.sha256"]


def test_ec_openssh_and_json_escaped_keys() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    openssh = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()
    assert dict(describe(openssh))["key.algorithm"] == "EC secp256r1"
    escaped = _key_pem(key).replace("\n", "\\n")  # as in a GCP service-account JSON
    assert dict(describe(escaped))["key.size"] == "256"


def test_encrypted_and_broken_keys() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    assert describe(_key_pem(key, b"pass-phrase")) == (("key.encrypted", "yes"),)
    broken = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----"
    assert describe(broken) == (("key.parsed", "no"),)


def test_other_values_have_no_attributes() -> None:
    assert describe("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o") == ()


def test_a_parser_failure_is_a_fact_not_a_crash(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import secretscan.detect.describe as d

    def explode(_: bytes) -> None:
        raise RuntimeError("unexpected parser failure deep inside cryptography")

    monkeypatch.setattr("cryptography.x509.load_pem_x509_certificate", explode)
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    assert d.describe(pem) == (("parsed", "no"),)
