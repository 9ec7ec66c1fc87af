"""What ``fix``, ``migrate`` and ``rotate`` share: scan the working tree, plan in memory, and keep
each secret's value (fingerprint -> value) in memory only, for the commands that must move it.
Values never reach a report, a journal or a log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from secretscan.errors import InputError
from secretscan.remediation.build import Plan
from secretscan.remediation.model import PlanContext, PlanOptions


@dataclass(frozen=True, slots=True)
class Prepared:
    root: Path
    inventory: Mapping[str, Any]
    plan: Plan
    ctx: PlanContext
    values: Mapping[str, str] = field(default_factory=dict, repr=False)  # fingerprint -> value (reveal only)


def prepare(root: Path, options: PlanOptions, config: Path | None, *, reveal: bool, detect: bool = False) -> Prepared:
    """Scan ``root`` (working tree), build its inventory and plan; with ``reveal`` keep the values;
    with ``detect`` the plan's target is detected from the repository (as ``plan`` does)."""
    from secretscan.cli.baseline_support import scan_tree
    from secretscan.cli.common import settings_for
    from secretscan.inventory.build import build_inventory
    from secretscan.remediation.build import make_plan
    from secretscan.remediation.planner import plan_secrets
    from secretscan.report.inventory_json import document

    if not root.is_dir():
        raise InputError(f"not a folder: {root}")
    settings = settings_for(root, config)
    if reveal:
        settings = replace(settings, show_secrets=True)
    result = scan_tree(root, settings, False)
    values = {f.fingerprint: f.revealed for f in result.findings if f.revealed is not None} if reveal else {}
    if reveal:  # the values stay here; the inventory and plan are built from findings without them
        result = replace(result, findings=tuple(replace(f, revealed=None) for f in result.findings))
    doc = {**document(build_inventory(result, settings, history=False)), "root": str(root.resolve())}
    if detect:
        from secretscan.remediation.target import detect_target

        options = replace(options, target=detect_target(doc, root))
    plan = make_plan(doc, options, detected_target=detect)
    ctx = PlanContext(options, plan_secrets(doc, options), doc)
    return Prepared(root.resolve(), doc, plan, ctx, values)
