"""Content-addressed identities and redaction."""

from __future__ import annotations

import hashlib

from secretscan.model import BlobId, Fingerprint


def blob_id(data: bytes) -> BlobId:
    """The git blob SHA-1 of ``data`` (what ``git hash-object`` prints)."""
    h = hashlib.sha1(b"blob %d\x00" % len(data))  # noqa: S324 - git's object id, not security
    h.update(data)
    return BlobId(h.hexdigest())


def secret_hash(secret: bytes) -> str:
    """SHA-256 of the secret value, hex."""
    return hashlib.sha256(secret).hexdigest()


def fingerprint(rule_id: str, secret: bytes) -> Fingerprint:
    """Identity of a secret: the same rule and value give the same fingerprint anywhere."""
    h = hashlib.sha256(rule_id.encode("utf-8") + b"\x00" + secret)
    return Fingerprint(h.hexdigest()[:40])


def redact(secret: str) -> str:
    """A preview that identifies a secret to its owner without revealing it.

    Long secrets keep 4 characters at each end (``ghp_…2nxL``); shorter ones keep fewer,
    and very short ones show only their first character.
    """
    if secret.startswith("-----BEGIN"):  # a PEM block: its header says what it is, and holds no key material
        header = secret.split("\n", 1)[0].split("\\n", 1)[0].strip()
        return header[:40] + "…"
    n = len(secret)
    if n >= 20:
        return f"{secret[:4]}…{secret[-4:]}"
    if n >= 12:
        return f"{secret[:3]}…{secret[-2:]}"
    if n >= 6:
        return f"{secret[:2]}…"
    return f"{secret[:1]}…" if n else "…"
