"""Non-secret facts about a secret, computed while its value is at hand: a JWT's issuer and
expiry, a certificate's subject, SANs, issuer and expiry, a private key's algorithm and size,
and the SHA-256 of the public key, which pairs a key with its certificate."""

from __future__ import annotations

import hashlib
import warnings

from secretscan.detect.jwt import jwt_attributes

Attributes = tuple[tuple[str, str], ...]


def describe(secret: str) -> Attributes:
    """Facts about ``secret``; a value that cannot be parsed gets a ``*.parsed: no`` note.

    Parsing runs on untrusted content: any failure of the parser is a fact about the value,
    never an error of the scan (malformed extensions raise ValueError deep inside
    cryptography, old encodings raise deprecation warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _describe(secret)
        except Exception:  # noqa: BLE001 - a parser failure on hostile input is data, not a crash
            return (("parsed", "no"),)


def _describe(secret: str) -> Attributes:
    if secret.startswith("eyJ"):
        return jwt_attributes(secret)
    if "-----BEGIN" not in secret:
        return ()
    pem = secret.replace("\\r\\n", "\n").replace("\\n", "\n").encode("utf-8", errors="replace")
    if b"CERTIFICATE-----" in pem:
        return _certificate(pem)
    if b"PRIVATE KEY-----" in pem:
        return _private_key(pem)
    return ()


def _certificate(pem: bytes) -> Attributes:
    from cryptography import x509  # imported on the first certificate found, not at start-up

    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        return (("cert.parsed", "no"),)
    out: list[tuple[str, str]] = [
        ("cert.subject_cn", _cn(cert.subject)),
        ("cert.issuer_cn", _cn(cert.issuer)),
        ("cert.not_after", cert.not_valid_after_utc.isoformat().replace("+00:00", "Z")),
        ("cert.self_signed", "yes" if cert.subject == cert.issuer else "no"),
    ]
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n) for n in sans.get_values_for_type(x509.DNSName)]
        names += [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)]
        out.append(("cert.sans", ",".join(names)))
    except x509.ExtensionNotFound:
        pass
    out.append(("pubkey.sha256", _spki_sha256(cert.public_key())))
    return tuple(out)


def _private_key(pem: bytes) -> Attributes:
    from cryptography.hazmat.primitives import serialization

    try:
        if b"OPENSSH PRIVATE KEY" in pem:
            key = serialization.load_ssh_private_key(pem, password=None)
        else:
            key = serialization.load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)  # only size and public key are read: validating an RSA key costs ~0.1 s
    except TypeError:
        return (("key.encrypted", "yes"),)  # a passphrase protects it
    except (ValueError, TypeError, NotImplementedError):
        return (("key.parsed", "no"),)
    algorithm, size = _algorithm(key)
    return (
        ("key.algorithm", algorithm),
        ("key.size", str(size)),
        ("key.encrypted", "no"),
        ("pubkey.sha256", _spki_sha256(key.public_key())),
    )


def _algorithm(key: object) -> tuple[str, int]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"EC {key.curve.name}", key.key_size
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PrivateKey):
        return "Ed448", 456
    if isinstance(key, dsa.DSAPrivateKey):
        return "DSA", key.key_size
    return type(key).__name__, 0


def _spki_sha256(public_key: object) -> str:
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _cn(name: object) -> str:
    from cryptography.x509.oid import NameOID

    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else name.rfc4514_string()
