"""`secretscan plan [PATH] --output DIR`: from the inventory to a remediation plan.

The inventory comes from a saved inventory JSON (--inventory FILE) or from a scan of PATH (the
working tree, or its whole history with --history). The plan folder is written whole or not at
all: every file goes into a temporary folder beside DIR, which then replaces DIR in one rename.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from secretscan.errors import InputError, UsageError

if TYPE_CHECKING:
    from secretscan.remediation.build import Plan
    from secretscan.remediation.model import Artefact, PlanContext, PlanOptions

BACKENDS = ("vault", "aws-secrets", "azure-keyvault", "gcp-secretmanager")
TARGETS = ("kubernetes", "cicd", "application")
ROTATIONS = ("manual", "automatic", "dynamic")
CLOUDS = ("aws", "gcp", "azure")
COMPLIANCE = ("SOC2", "GDPR", "PCI-DSS")
_ENV = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
_PLATFORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,40}$")
_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("plan")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the plan into (replaced whole).",
)
@click.option("--inventory", "inventory_file", type=_FILE, help="A saved inventory JSON instead of scanning PATH.")
@click.option(
    "--history", is_flag=True, help="Scan PATH's whole git history (recommended: the purge then covers every version)."
)
@click.option(
    "--backend", default="vault", show_default=True, help="vault | aws-secrets | azure-keyvault | gcp-secretmanager"
)
@click.option("--target", help="kubernetes | cicd | application (default: detected from the repository).")
@click.option("--rotation", help="manual | automatic | dynamic (default: per secret type).")
@click.option("--platform", help="Where the services run, e.g. EKS, GKE, OpenShift (free text).")
@click.option("--cloud", help="aws | gcp | azure")
@click.option("--compliance", help="Comma-separated: SOC2,GDPR,PCI-DSS")
@click.option("--environment", default="prod", show_default=True, help="Environment the paths and roles are named for.")
@click.option("-c", "--config", type=_FILE, help="Config file (for the scan).")
def plan(
    path: Path | None,
    output: Path,
    inventory_file: Path | None,
    history: bool,
    backend: str,
    target: str | None,
    rotation: str | None,
    platform: str | None,
    cloud: str | None,
    compliance: str | None,
    environment: str,
    config: Path | None,
) -> int:
    """Write a remediation plan: plan.json, README.md, Vault/ESO/cloud artefacts, runbooks, purge steps."""
    from secretscan.remediation.build import make_plan
    from secretscan.remediation.target import detect_target

    if inventory_file is not None and history:
        raise UsageError("--history chooses what to scan: it does not combine with --inventory")
    root = path if path is not None else (None if inventory_file is not None else Path("."))
    if root is not None and not root.is_dir():
        raise InputError(f"not a folder: {root}")
    options = parse_options(backend, target, rotation, platform, cloud, compliance, environment, root)
    doc = (
        load_inventory(inventory_file)
        if inventory_file is not None
        else scan_inventory(root or Path("."), config, history)
    )
    if root is not None:  # generators read the scanned files to write patched copies of them
        doc = {**doc, "root": str(root.resolve())}
    detected = target is None
    if detected:
        options = replace(options, target=detect_target(doc, root))
    # with the scanned files at hand, the plan also holds the changes `secretscan fix --plan` applies
    result = make_plan(doc, options, detected_target=detected, extra=fix_changes if root is not None else None)
    write_plan(result, output)
    n = result.document["inventory"]["planned"]
    via = f"{options.target.value}{' (detected)' if detected else ''}"
    click.echo(
        f"secretscan: plan for {n} secret(s) ({options.backend.value}, {via}) written to {output}: "
        f"{len(result.files)} files, start with {output / 'README.md'}",
        err=True,
    )
    return 0


def fix_changes(ctx: PlanContext) -> list[Artefact]:
    """fix/changes.json: every file change with the digest of the file as scanned (no values)."""
    from secretscan.apply.changes import plan_changes
    from secretscan.apply.changes_json import PATH, to_json
    from secretscan.remediation.model import Artefact

    text = to_json(plan_changes(ctx))
    return [Artefact(PATH, text, "fix-changes", "the file changes `secretscan fix --plan DIR` applies, judged by each file's digest")]


def parse_options(
    backend: str,
    target: str | None,
    rotation: str | None,
    platform: str | None,
    cloud: str | None,
    compliance: str | None,
    environment: str,
    root: Path | None,
) -> PlanOptions:
    """Validated options; anything else is a one-line usage error."""
    from secretscan.remediation.model import Backend, PlanOptions, RotationMode, Target
    from secretscan.remediation.naming import slug

    _choice("--backend", backend, BACKENDS)
    if target is not None:
        _choice("--target", target, TARGETS)
    if rotation is not None:
        _choice("--rotation", rotation, ROTATIONS)
    if cloud is not None:
        _choice("--cloud", cloud, CLOUDS)
    if not _ENV.match(environment):
        raise UsageError(
            f"--environment {environment!r}: use lowercase letters, digits and hyphens (e.g. prod, staging)"
        )
    if platform is not None and not _PLATFORM.match(platform):
        raise UsageError(f"--platform {platform!r}: use letters, digits, spaces, dots, dashes (at most 41 characters)")
    name = slug(root.resolve().name) if root is not None else ""
    return PlanOptions(
        backend=Backend(backend),
        target=Target(target) if target else Target.APPLICATION,
        rotation=RotationMode(rotation) if rotation else None,
        platform=platform,
        cloud=cloud,
        compliance=parse_compliance(compliance),
        environment=environment,
        default_service=name or "app",
    )


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UsageError(f"{option} {value!r}: choose one of {', '.join(allowed)}")


def parse_compliance(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    out: list[str] = []
    for raw in text.split(","):
        name = raw.strip().upper().replace("_", "-")
        name = "PCI-DSS" if name in ("PCI", "PCIDSS") else name
        if name not in COMPLIANCE:
            raise UsageError(f"--compliance {raw.strip()!r}: choose from {', '.join(COMPLIANCE)} (comma-separated)")
        if name not in out:
            out.append(name)
    return tuple(out)


def load_inventory(path: Path) -> dict[str, Any]:
    """A saved inventory JSON (`report.inventory_json`, version 1), checked enough to plan from."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the inventory {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") != "secretscan-inventory":
        raise InputError(f"{path} is not a secretscan inventory (kind secretscan-inventory)")
    if doc.get("version") != 1:
        raise InputError(
            f"{path}: inventory version {doc.get('version')!r} is not supported (this secretscan reads version 1)"
        )
    items = doc.get("items")
    if not isinstance(items, list) or not all(_item_ok(i) for i in items):
        raise InputError(f"{path}: malformed inventory items (each needs fingerprint, rule_id, type, locations)")
    return doc


def _item_ok(item: object) -> bool:
    return (
        isinstance(item, dict)
        and all(isinstance(item.get(k), str) for k in ("fingerprint", "rule_id", "type"))
        and isinstance(item.get("locations"), list)
        and all(isinstance(loc, dict) and isinstance(loc.get("path"), str) for loc in item["locations"])
    )


def scan_inventory(root: Path, config: Path | None, history: bool) -> dict[str, Any]:
    from secretscan.cli.baseline_support import scan_tree  # the shared runner (cli.runner)
    from secretscan.cli.common import settings_for
    from secretscan.inventory.build import build_inventory
    from secretscan.report.inventory_json import document

    settings = settings_for(root, config)
    result = scan_tree(root, settings, history)
    return document(build_inventory(result, settings, history=history))


def write_plan(result: Plan, output: Path) -> None:
    """Write every file into a fresh folder beside ``output``, then swap it in: never half a plan.
    An existing ``output`` is replaced only if it is empty or a previous plan."""
    if output.exists() and not _replaceable(output):
        raise UsageError(
            f"refusing to replace {output}: it is not empty and holds no plan.json (choose another --output)"
        )
    parent = output.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot create the plan folder beside {output}: {exc.strerror}") from None
    try:
        for art in result.files:
            target = staging / art.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(art.content, encoding="utf-8")
            target.chmod(0o755 if art.path.endswith((".sh",)) else 0o644)
        staging.chmod(0o755)
        _swap(staging, output)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(f"cannot write the plan to {output}: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replaceable(output: Path) -> bool:
    return output.is_dir() and (not any(output.iterdir()) or (output / "plan.json").is_file())


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    old = staging.with_name(staging.name + ".old")
    os.rename(output, old)
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)
