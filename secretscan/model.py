"""Frozen records that flow through the pipeline.

No record that leaves the detection engine holds a plaintext secret: matches carry a
hash of the secret, its fingerprint and a redacted preview only.
"""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass, field, fields
from typing import Any, NewType, TypeVar

_R = TypeVar("_R")


def _pickled_by_fields(cls: type[_R]) -> type[_R]:
    """Pickle a frozen record as its constructor and field values. The dataclass default reads
    ``fields()`` for every object, which made sending a history's blobs and places to the
    worker processes (and back) cost more than a tenth of the scan's CPU."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[_R], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls

BlobId = NewType("BlobId", str)
"""Git blob SHA-1 of the content (hex)."""

Fingerprint = NewType("Fingerprint", str)
"""Stable identity of a secret: hash of (rule id, secret value)."""

RuleId = NewType("RuleId", str)


class Severity(enum.IntEnum):
    """How bad a leak of this kind of secret is. Ordered, so thresholds compare."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


class Confidence(enum.IntEnum):
    """How sure a rule is that a match is a real secret."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, text: str) -> Confidence:
        return cls[text.strip().upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


class SecretKind(str, enum.Enum):
    """What a secret is, independent of the provider."""

    CLOUD_IAM = "cloud_iam"
    API_KEY = "api_key"
    DATABASE_CREDENTIAL = "database_credential"
    PRIVATE_KEY = "private_key"
    CERTIFICATE = "certificate"
    SIGNING_KEY = "signing_key"
    SERVICE_TOKEN = "service_token"
    PASSWORD = "password"
    GENERIC = "generic"


class Storage(str, enum.Enum):
    """How and where a secret is stored; remediation depends on it."""

    PLAIN_FILE = "plain-file"
    KUBERNETES_SECRET = "kubernetes-secret"
    KUBERNETES_ENV_LITERAL = "kubernetes-env-literal"
    CONFIGMAP = "configmap"
    HELM_VALUES = "helm-values"
    KUSTOMIZE = "kustomize"
    DOCKERFILE_ENV = "dockerfile-env"
    DOCKERFILE_ARG = "dockerfile-arg"
    DOCKERFILE_RUN = "dockerfile-run"
    DOCKERFILE_LABEL = "dockerfile-label"
    DOCKERFILE_COPY = "dockerfile-copy"
    COMPOSE_ENV = "compose-env"
    SPRING_CONFIG = "spring-config"
    DOTENV = "dotenv"
    CONFIG_FILE = "config-file"
    SOURCE_CODE = "source-code"
    KUBERNETES_MANIFEST = "kubernetes-manifest"  # another field of a k8s object: container args, a CR
    TERRAFORM = "terraform"  # *.tfvars, variable defaults, resource arguments


class SourceKind(str, enum.Enum):
    """Which walker produced a blob."""

    FILE = "file"
    STAGED = "staged"
    GIT = "git"


class Status(str, enum.Enum):
    """What the gate makes of a finding."""

    NEW = "new"
    BASELINED = "baselined"
    ALLOWED = "allowed"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Blob:
    """Content to scan, identified by its git blob id."""

    id: BlobId
    data: bytes


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class CommitInfo:
    """A commit as provenance needs it."""

    sha: str
    author: str
    email: str
    date: str  # ISO 8601
    summary: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a blob was read from."""

    kind: SourceKind
    path: str
    commit: CommitInfo | None = None  # git: the commit that first introduced this blob at this path
    # git exposure: whether this blob is still at this path in the tip of the default branch
    # (None when unknown), and, when it is not, the commit that removed it from there.
    in_tip: bool | None = None
    removed_in: CommitInfo | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Span:
    """Position of a secret in a blob: byte offsets, 1-based line and column."""

    start: int
    end: int
    line: int
    column: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Rule:
    """A detector: data only, carrying its own proof (examples, negative examples)."""

    id: RuleId
    name: str
    provider: str
    kind: SecretKind
    pattern: str
    keywords: tuple[str, ...]
    min_entropy: float | None
    confidence: Confidence
    severity: Severity
    references: tuple[str, ...]
    examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    description: str = ""
    source: str = ""  # file the rule was loaded from
    skip_filters: tuple[str, ...] = ()  # filter names this rule opts out of
    # A Hyperscan expression run instead of ``pattern`` to find the blobs worth extracting from:
    # it must match wherever ``pattern`` does (a superset). For a pattern with no literal, whose
    # long character-class runs would slow every scan; RE2 still extracts with ``pattern``.
    prefilter: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Location:
    """One place a secret was seen: which blob, from where, at which span, how stored."""

    blob_id: BlobId
    provenance: Provenance
    span: Span
    storage: Storage = Storage.PLAIN_FILE
    locator: str | None = None  # e.g. "Secret/prod/db key=password"
    decoding: tuple[str, ...] = ()  # chain of decodings applied, e.g. ("base64",)
    note: str | None = None
    allowed: bool = False  # an inline allow comment covers this occurrence
    key_path: str | None = None  # e.g. "spec.template.spec.containers[0].env[2].value"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence of a rule in a blob. Holds no plaintext secret."""

    rule_id: RuleId
    fingerprint: Fingerprint
    secret_hash: str
    preview: str
    location: Location
    entropy: float = 0.0
    length: int = 0
    revealed: str | None = None  # set only when the user asked for --show-secrets
    attributes: tuple[tuple[str, str], ...] = ()  # non-secret facts, e.g. ("jwt.iss", "...")
    # Baseline digests (detect.digests), computed only when a baseline needs them, never rendered:
    # HMAC of (rule id, secret) with the baseline key, and the SHA-1 a detect-secrets baseline holds.
    keyed_hash: str | None = field(default=None, repr=False)
    sha1: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret (rule + value) with every location it was seen in."""

    fingerprint: Fingerprint
    rule_id: RuleId
    rule_name: str
    kind: SecretKind
    severity: Severity
    confidence: Confidence
    preview: str
    secret_hash: str
    locations: tuple[Location, ...]
    status: Status = Status.NEW
    revealed: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    keyed_hash: str | None = field(default=None, repr=False)  # as on Match: for baselines only
    sha1: str | None = field(default=None, repr=False)

    @property
    def first(self) -> Location:
        return self.locations[0]


@dataclass(frozen=True, slots=True)
class Skipped:
    """What could not be scanned, and why: a result, never a silent gap."""

    path: str
    reason: str
    blob_id: BlobId | None = None


@dataclass(frozen=True, slots=True)
class ScanStats:
    blobs_scanned: int = 0
    bytes_scanned: int = 0
    blobs_deduplicated: int = 0
    seconds: float = 0.0
    rules: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a report renders."""

    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    stats: ScanStats
    rules: tuple[Rule, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()

    @property
    def active(self) -> tuple[Finding, ...]:
        """Findings the gate counts: not allowed inline, not baselined."""
        return tuple(f for f in self.findings if f.status is Status.NEW)
