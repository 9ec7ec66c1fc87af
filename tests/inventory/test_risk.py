from __future__ import annotations

import pytest

from secretscan.inventory.records import ExposureState, RiskLevel, SecretType
from secretscan.inventory.risk import RiskInput, assess
from secretscan.model import Confidence, Severity, Storage

TIP, HIST = ExposureState.IN_TIP, ExposureState.HISTORY_ONLY
C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
HI, MED, LO = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW


@pytest.mark.parametrize(
    ("given", "level", "reasons"),
    [
        (
            RiskInput(SecretType.CLOUD_IAM, C, HI, TIP, frozenset({Storage.PLAIN_FILE})),
            RiskLevel.CRITICAL,
            ("base 3.5: cloud iam", "+0.5 rule severity critical", "+0.5 high-confidence match", "+0.5 still present in the tip"),
        ),
        (
            RiskInput(SecretType.API_KEYS, H, HI, HIST, frozenset({Storage.PLAIN_FILE})),
            RiskLevel.HIGH,
            ("base 2.5: api keys", "+0.5 high-confidence match"),
        ),
        (
            RiskInput(SecretType.PASSWORDS, M, LO, TIP, frozenset({Storage.SOURCE_CODE})),
            RiskLevel.LOW,
            ("base 2.5: passwords", "-0.5 rule severity medium", "-1 low-confidence match", "+0.5 still present in the tip"),
        ),
        (
            RiskInput(SecretType.DATABASE_CREDENTIALS, H, HI, TIP, frozenset({Storage.DOCKERFILE_ENV, Storage.KUBERNETES_SECRET}), services=3),
            RiskLevel.CRITICAL,
            ("base 3: database credentials", "+0.5 high-confidence match", "+0.5 still present in the tip",
             "+0.5 baked into image layers (Dockerfile ENV/ARG)",
             "+0.5 committed Kubernetes Secret (base64 is not encryption)", "+0.5 shared by 3 services"),
        ),
        (
            RiskInput(SecretType.CLOUD_IAM, C, HI, TIP, frozenset({Storage.PLAIN_FILE}), tests_only=True),
            RiskLevel.HIGH,
            ("base 3.5: cloud iam", "+0.5 rule severity critical", "+0.5 high-confidence match", "+0.5 still present in the tip",
             "-1.5 only in tests or fixtures"),
        ),
        (
            RiskInput(SecretType.SERVICE_TOKENS, M, MED, TIP, frozenset({Storage.PLAIN_FILE}), jwt_expired=True),
            RiskLevel.LOW,
            ("base 3: service tokens", "-0.5 rule severity medium", "+0.5 still present in the tip", "-1.5 token has expired"),
        ),
        (
            RiskInput(SecretType.PRIVATE_KEYS, H, HI, HIST, frozenset({Storage.PLAIN_FILE}), age_days=800, key_encrypted=True),
            RiskLevel.HIGH,
            ("base 3: private keys", "+0.5 high-confidence match", "+0.5 exposed for 800 days", "-1 private key is passphrase-protected"),
        ),
        (
            RiskInput(SecretType.TLS_CERTS, L, HI, TIP, frozenset({Storage.PLAIN_FILE})),
            RiskLevel.LOW,
            ("base 0.5: tls certs", "-1 rule severity low", "+0.5 high-confidence match", "+0.5 still present in the tip"),
        ),
        (
            RiskInput(SecretType.GENERIC, H, MED, TIP, frozenset({Storage.PLAIN_FILE}), age_days=365),
            RiskLevel.MEDIUM,
            ("base 2: generic", "+0.5 still present in the tip"),
        ),
    ],
)
def test_risk_table(given: RiskInput, level: RiskLevel, reasons: tuple[str, ...]) -> None:
    risk = assess(given)
    assert risk.level is level
    assert risk.reasons == reasons


@pytest.mark.parametrize(("score", "level"), [(4.0, "critical"), (3.99, "high"), (3.0, "high"), (2.0, "medium"), (1.99, "low")])
def test_thresholds(score: float, level: str) -> None:
    from secretscan.inventory.risk import level_for

    assert level_for(score).label == level
