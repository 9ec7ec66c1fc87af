"""The risk function: one pure function from what is known about a secret to a level and
the reasons that raised or lowered it.

Score = base for the secret type, then additions:

| factor | change | why |
| --- | --- | --- |
| type | cloud IAM 3.5; database, private/SSH/signing keys, service tokens 3.0; API keys, passwords 2.5; generic 2.0; TLS certificates 0.5 | what the secret opens |
| rule severity | critical +0.5, high 0, medium -0.5, low -1, info -1.5 | the provider-specific impact the rule records |
| confidence | high +0.5, medium 0, low -1 | how sure the match is |
| exposure | in the tip +0.5 | readable by anyone with a checkout now (history-only is still leaked: no reduction) |
| storage | Dockerfile ENV/ARG +0.5; committed Kubernetes Secret +0.5 (once) | baked into every image layer; base64 is not encryption |
| tests only | -1.5 | every location is a test or fixture file |
| age | over 365 days +0.5 | long exposure |
| spread | used by 2+ services +0.5 | a shared credential: one leak, many blast radii |
| expired JWT | -1.5 | cannot be replayed |
| passphrase-protected key | -1 | needs the passphrase too |

Level: score >= 4 critical, >= 3 high, >= 2 medium, else low.
"""

from __future__ import annotations

from dataclasses import dataclass

from secretscan.inventory.records import ExposureState, Risk, RiskLevel, SecretType
from secretscan.model import Confidence, Severity, Storage

BASE = {
    SecretType.CLOUD_IAM: 3.5,
    SecretType.DATABASE_CREDENTIALS: 3.0,
    SecretType.PRIVATE_KEYS: 3.0,
    SecretType.SSH_KEYS: 3.0,
    SecretType.SIGNING_KEYS: 3.0,
    SecretType.SERVICE_TOKENS: 3.0,
    SecretType.API_KEYS: 2.5,
    SecretType.PASSWORDS: 2.5,
    SecretType.GENERIC: 2.0,
    SecretType.TLS_CERTS: 0.5,
}
SEVERITY = {Severity.CRITICAL: 0.5, Severity.HIGH: 0.0, Severity.MEDIUM: -0.5, Severity.LOW: -1.0, Severity.INFO: -1.5}
CONFIDENCE = {Confidence.HIGH: 0.5, Confidence.MEDIUM: 0.0, Confidence.LOW: -1.0}
IMAGE_STORAGES = frozenset({Storage.DOCKERFILE_ENV, Storage.DOCKERFILE_ARG})
LONG_EXPOSURE_DAYS = 365


@dataclass(frozen=True, slots=True)
class RiskInput:
    type: SecretType
    severity: Severity
    confidence: Confidence
    exposure: ExposureState
    storages: frozenset[Storage]
    tests_only: bool = False
    age_days: int | None = None
    services: int = 1
    jwt_expired: bool = False
    key_encrypted: bool = False


def assess(r: RiskInput) -> Risk:
    """The risk of one secret, with every reason that moved it."""
    steps: list[tuple[float, str]] = [(BASE[r.type], f"{r.type.value.replace('_', ' ')}")]
    steps.append((SEVERITY[r.severity], f"rule severity {r.severity.label}"))
    steps.append((CONFIDENCE[r.confidence], f"{r.confidence.label}-confidence match"))
    if r.exposure is ExposureState.IN_TIP:
        steps.append((0.5, "still present in the tip"))
    if r.storages & IMAGE_STORAGES:
        steps.append((0.5, "baked into image layers (Dockerfile ENV/ARG)"))
    if Storage.KUBERNETES_SECRET in r.storages:
        steps.append((0.5, "committed Kubernetes Secret (base64 is not encryption)"))
    if r.tests_only:
        steps.append((-1.5, "only in tests or fixtures"))
    if r.age_days is not None and r.age_days > LONG_EXPOSURE_DAYS:
        steps.append((0.5, f"exposed for {r.age_days} days"))
    if r.services > 1:
        steps.append((0.5, f"shared by {r.services} services"))
    if r.jwt_expired:
        steps.append((-1.5, "token has expired"))
    if r.key_encrypted:
        steps.append((-1.0, "private key is passphrase-protected"))
    score = round(sum(delta for delta, _ in steps), 2)
    reasons = tuple(_reason(delta, why, first=i == 0) for i, (delta, why) in enumerate(steps) if delta or i == 0)
    return Risk(level=level_for(score), score=score, reasons=reasons)


def level_for(score: float) -> RiskLevel:
    if score >= 4.0:
        return RiskLevel.CRITICAL
    if score >= 3.0:
        return RiskLevel.HIGH
    if score >= 2.0:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def _reason(delta: float, why: str, first: bool) -> str:
    return f"base {delta:g}: {why}" if first else f"{delta:+g} {why}"
