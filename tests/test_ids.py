from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from secretscan.ids import blob_id, fingerprint, redact


def test_blob_id_is_gits_object_id(tmp_path: Path) -> None:
    data = b"hello\nworld\x00\xff"
    (tmp_path / "f").write_bytes(data)
    expected = subprocess.run(["git", "hash-object", str(tmp_path / "f")], capture_output=True, check=True)
    assert blob_id(data) == expected.stdout.decode().strip()


def test_fingerprint_depends_on_rule_and_secret_only() -> None:
    a = fingerprint("secretscan.github.pat", b"ghp_abc")
    assert a == fingerprint("secretscan.github.pat", b"ghp_abc")
    assert a != fingerprint("secretscan.github.oauth", b"ghp_abc")
    assert a != fingerprint("secretscan.github.pat", b"ghp_abd")
    assert len(a) == 40


@pytest.mark.parametrize(
    ("secret", "preview"),
    [
        ("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o", "ghp_…Gi5o"),
        ("s3cr3t-passw0rd", "s3c…rd"),
        ("hunter2", "hu…"),
        ("abc", "a…"),
        ("", "…"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
         "-----BEGIN OPENSSH PRIVATE KEY-----…"),
        ("-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----",
         "-----BEGIN RSA PRIVATE KEY-----…"),
    ],
)
def test_redact_never_reveals_the_middle(secret: str, preview: str) -> None:
    assert redact(secret) == preview
