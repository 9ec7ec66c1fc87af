"""Inventory records: one item per distinct secret."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from secretscan.model import (
    CommitInfo,
    Confidence,
    Fingerprint,
    Location,
    RuleId,
    SecretKind,
    Severity,
    Status,
    Storage,
)


class SecretType(str, enum.Enum):
    """The inventory's grouping of secrets, which decides rotation and remediation."""

    DATABASE_CREDENTIALS = "database_credentials"
    API_KEYS = "api_keys"
    CLOUD_IAM = "cloud_iam"
    TLS_CERTS = "tls_certs"
    PRIVATE_KEYS = "private_keys"
    SIGNING_KEYS = "signing_keys"
    SERVICE_TOKENS = "service_tokens"
    SSH_KEYS = "ssh_keys"
    PASSWORDS = "passwords"
    GENERIC = "generic"


class RiskLevel(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> RiskLevel:
        return cls[text.strip().upper()]


class ExposureState(str, enum.Enum):
    IN_TIP = "in_tip"  # present in the tip of the default branch (or the working tree)
    HISTORY_ONLY = "history_only"  # gone from the tip, still in history


@dataclass(frozen=True, slots=True)
class Exposure:
    state: ExposureState
    removed_in: CommitInfo | None = None  # the last removal, for history-only secrets

    @property
    def label(self) -> str:
        if self.state is ExposureState.IN_TIP:
            return "present in the tip"
        if self.removed_in is not None:
            return f"only in history: removed in {self.removed_in.sha[:10]} on {self.removed_in.date[:10]}"
        return "only in history"


@dataclass(frozen=True, slots=True)
class Risk:
    level: RiskLevel
    score: float
    reasons: tuple[str, ...]  # each "+0.5 baked into image layers (Dockerfile ENV)" style


@dataclass(frozen=True, slots=True)
class InventoryItem:
    fingerprint: Fingerprint
    rule_id: RuleId
    rule_name: str
    provider: str
    type: SecretType
    kind: SecretKind
    severity: Severity
    confidence: Confidence
    preview: str
    status: Status
    locations: tuple[Location, ...]
    storages: tuple[Storage, ...]
    exposure: Exposure
    first_seen: CommitInfo | None
    commits: int
    paths: tuple[str, ...]
    services: tuple[str, ...]
    dynamic_eligible: bool
    rotation_days: int
    age_days: int | None
    overdue: bool | None  # None: not in the tip, or age unknown
    risk: Risk
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def shared(self) -> bool:
        """The same credential used by more than one service: an anti-pattern."""
        return len(self.services) > 1


@dataclass(frozen=True, slots=True)
class CertificateEntry:
    fingerprint: Fingerprint
    subject_cn: str
    sans: tuple[str, ...]
    issuer_cn: str
    not_after: str
    status: str  # expired | expires soon | valid
    paths: tuple[str, ...]
    has_private_key: bool  # a private key found in the scan pairs with it


@dataclass(frozen=True, slots=True)
class KeyEntry:
    fingerprint: Fingerprint
    algorithm: str
    size: int
    encrypted: bool
    paths: tuple[str, ...]
    pairs_with_certificate: bool


@dataclass(frozen=True, slots=True)
class Inventory:
    items: tuple[InventoryItem, ...]
    certificates: tuple[CertificateEntry, ...]
    keys: tuple[KeyEntry, ...]
    generated_at: str  # ISO 8601, the "now" every age and expiry was computed against
    history: bool  # built from a full-history scan
