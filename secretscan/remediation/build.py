"""Inventory document + options -> the whole plan in memory: plan.json, README.md and every
artefact, each a relative path with its text. Writing it to disk is the CLI's job."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from secretscan.errors import InternalError
from secretscan.remediation.model import Artefact, Generator, PlanContext, PlanOptions
from secretscan.remediation.plan_doc import build_steps, document, readme
from secretscan.remediation.planner import plan_secrets
from secretscan.remediation.registry import generate_all

RESERVED = frozenset({"plan.json", "README.md"})


@dataclass(frozen=True, slots=True)
class Plan:
    document: Mapping[str, Any]
    files: tuple[Artefact, ...]  # plan.json, README.md, then every generator's artefacts


def make_plan(
    inventory: Mapping[str, Any],
    options: PlanOptions,
    *,
    detected_target: bool = False,
    generators: dict[str, Generator] | None = None,
    now: datetime | None = None,
    extra: Generator | None = None,
) -> Plan:
    """``extra``: a generator run after the registered ones (the CLI's file changes for ``fix``)."""
    secrets = plan_secrets(inventory, options)
    ctx = PlanContext(options, secrets, inventory)
    artefacts = [*generate_all(ctx, generators), *(extra(ctx) if extra is not None else [])]
    check_paths(artefacts)
    steps = build_steps(ctx, artefacts)
    doc = document(ctx, artefacts, steps, detected_target=detected_target, now=now)
    head = (
        Artefact(
            "plan.json",
            json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
            "plan",
            "the plan, versioned (schema plan-v1)",
        ),
        Artefact("README.md", readme(doc), "plan-readme", "the plan, step by step"),
    )
    return Plan(doc, head + tuple(artefacts))


def check_paths(artefacts: Sequence[Artefact]) -> None:
    """Every artefact stays inside the plan folder and leaves plan.json and README.md alone."""
    for a in artefacts:
        p = PurePosixPath(a.path)
        if p.is_absolute() or ".." in p.parts or not p.parts or a.path in RESERVED or "\\" in a.path:
            raise InternalError(f"a generator produced an unsafe artefact path: {a.path!r}")
