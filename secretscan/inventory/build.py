"""Findings -> inventory: one item per secret, its exposure, risk and rotation status,
and the certificate and key inventory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath

from secretscan.config import Settings
from secretscan.inventory.records import (
    CertificateEntry,
    Exposure,
    ExposureState,
    Inventory,
    InventoryItem,
    KeyEntry,
)
from secretscan.inventory.risk import RiskInput, assess
from secretscan.inventory.types import DYNAMIC_ELIGIBLE, rotation_days, secret_type
from secretscan.model import CommitInfo, Finding, Location, Rule, ScanResult, SecretKind, SourceKind
from secretscan.sources.code import is_test_path as code_test_path

# Folder names that group services rather than name one.
_CONTAINERS = frozenset(
    "services service apps app src source packages pkg cmd k8s kube kubernetes manifests deploy deployment "
    "deployments charts chart helm config configs conf settings env envs environments overlays base infra "
    "infrastructure docker modules components internal lib libs resources main java python go prod production "
    "staging stage dev development qa uat test tests templates values secrets".split()
)
# Folders of example and mock data: not tests, but no more a production secret's home than tests are.
_EXAMPLE_PARTS = frozenset({"examples", "example", "samples", "sample", "mocks", "mock"})


def build_inventory(result: ScanResult, settings: Settings, now: datetime | None = None, history: bool = False) -> Inventory:
    moment = now or datetime.now(tz=timezone.utc)
    rules = {r.id: r for r in result.rules}
    items = tuple(
        sorted(
            (item_for(f, rules[f.rule_id], settings.rotation_days, moment) for f in result.findings if f.rule_id in rules),
            key=lambda i: (-i.risk.score, i.type.value, i.paths[0] if i.paths else "", i.rule_id),
        )
    )
    certs, keys = certificates_and_keys(result.findings, moment, settings.expiry_warning_days)
    return Inventory(items, certs, keys, moment.isoformat().replace("+00:00", "Z"), history)


def item_for(f: Finding, rule: Rule, overrides: Mapping[str, int], now: datetime) -> InventoryItem:
    kind = secret_type(rule)
    exposure = exposure_of(f.locations)
    first = first_seen(f.locations)
    age = (now - parse_date(first.date)).days if first is not None else None
    interval = rotation_days(rule, kind, overrides)
    services = services_of(f.locations)
    attrs = dict(f.attributes)
    paths = tuple(dict.fromkeys(loc.provenance.path for loc in f.locations))
    risk = assess(
        RiskInput(
            type=kind,
            severity=f.severity,
            confidence=f.confidence,
            exposure=exposure.state,
            storages=frozenset(loc.storage for loc in f.locations),
            tests_only=all(is_test_path(p) for p in paths),
            age_days=age,
            services=len(services),
            jwt_expired=attrs.get("jwt.expired") == "yes",
            key_encrypted=attrs.get("key.encrypted") == "yes",
        )
    )
    in_tip = exposure.state is ExposureState.IN_TIP
    return InventoryItem(
        fingerprint=f.fingerprint,
        rule_id=f.rule_id,
        rule_name=f.rule_name,
        provider=rule.provider,
        type=kind,
        kind=f.kind,
        severity=f.severity,
        confidence=f.confidence,
        preview=f.preview,
        status=f.status,
        locations=f.locations,
        storages=tuple(dict.fromkeys(loc.storage for loc in f.locations)),
        exposure=exposure,
        first_seen=first,
        commits=len({loc.provenance.commit.sha for loc in f.locations if loc.provenance.commit}),
        paths=paths,
        services=services,
        dynamic_eligible=kind in DYNAMIC_ELIGIBLE,
        rotation_days=interval,
        age_days=age,
        overdue=(age > interval) if (in_tip and age is not None) else None,
        risk=risk,
        attributes=f.attributes,
    )


def exposure_of(locations: Sequence[Location]) -> Exposure:
    """In the tip if any location is (working-tree and staged content count as the tip)."""
    for loc in locations:
        prov = loc.provenance
        if prov.kind is not SourceKind.GIT or prov.in_tip:
            return Exposure(ExposureState.IN_TIP)
    removals = [loc.provenance.removed_in for loc in locations if loc.provenance.removed_in is not None]
    last = max(removals, key=lambda c: parse_date(c.date)) if removals else None
    return Exposure(ExposureState.HISTORY_ONLY, last)


def first_seen(locations: Sequence[Location]) -> CommitInfo | None:
    commits = [loc.provenance.commit for loc in locations if loc.provenance.commit is not None]
    return min(commits, key=lambda c: parse_date(c.date)) if commits else None


def services_of(locations: Sequence[Location]) -> tuple[str, ...]:
    return tuple(sorted({service_of(loc.provenance.path) for loc in locations}))


def service_of(path: str) -> str:
    """The service a file belongs to: the first folder that names something, not a grouping."""
    parts = PurePosixPath(path).parts[:-1]
    for part in parts:
        if part.lower() not in _CONTAINERS and not part.startswith("."):
            return part
    return parts[-1] if parts else "(root)"


def is_test_path(path: str) -> bool:
    """A test, fixture, example or mock file: the code walker's judgement of tests, plus
    example and mock folders."""
    if code_test_path(path):
        return True
    return any(part.lower() in _EXAMPLE_PARTS for part in PurePosixPath(path).parts[:-1])


def parse_date(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def certificates_and_keys(
    findings: Sequence[Finding], now: datetime, warn_days: int
) -> tuple[tuple[CertificateEntry, ...], tuple[KeyEntry, ...]]:
    cert_findings = [(f, dict(f.attributes)) for f in findings if "cert.not_after" in dict(f.attributes)]
    key_findings = [(f, dict(f.attributes)) for f in findings if f.kind is SecretKind.PRIVATE_KEY and f.attributes]
    cert_keys = {a.get("pubkey.sha256") for _, a in cert_findings} - {None}
    key_pubs = {a.get("pubkey.sha256") for _, a in key_findings} - {None}
    certs = tuple(
        CertificateEntry(
            fingerprint=f.fingerprint,
            subject_cn=a.get("cert.subject_cn", ""),
            sans=tuple(s for s in a.get("cert.sans", "").split(",") if s),
            issuer_cn=a.get("cert.issuer_cn", ""),
            not_after=a["cert.not_after"],
            status=cert_status(parse_date(a["cert.not_after"]), now, warn_days),
            paths=tuple(dict.fromkeys(loc.provenance.path for loc in f.locations)),
            has_private_key=a.get("pubkey.sha256") in key_pubs,
        )
        for f, a in cert_findings
    )
    keys = tuple(
        KeyEntry(
            fingerprint=f.fingerprint,
            algorithm=a.get("key.algorithm", "unknown"),
            size=int(a.get("key.size", "0") or 0),
            encrypted=a.get("key.encrypted") == "yes",
            paths=tuple(dict.fromkeys(loc.provenance.path for loc in f.locations)),
            pairs_with_certificate=a.get("pubkey.sha256") in cert_keys,
        )
        for f, a in key_findings
    )
    return certs, keys


def cert_status(not_after: datetime, now: datetime, warn_days: int) -> str:
    if not_after <= now:
        return "expired"
    if not_after - now <= timedelta(days=warn_days):
        return "expires soon"
    return "valid"
