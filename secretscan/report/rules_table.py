"""`rules list` output: text, JSON, or the Markdown provider table for the docs."""

from __future__ import annotations

import json
from collections.abc import Sequence

from secretscan.model import Rule


def render_rules(rules: Sequence[Rule], fmt: str) -> str:
    ordered = sorted(rules, key=lambda r: (r.provider.lower(), r.id))
    if fmt == "json":
        return json.dumps([_row(r) for r in ordered], indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(ordered)
    width = max((len(r.id) for r in ordered), default=10)
    lines = [f"{r.id:<{width}}  {r.kind.value:<19} {r.confidence.label:<6} {r.severity.label:<8} {r.name}" for r in ordered]
    lines.append(f"{len(ordered)} rules, {len({r.provider for r in ordered})} providers")
    return "\n".join(lines) + "\n"


def _row(r: Rule) -> dict[str, object]:
    return {
        "id": r.id,
        "name": r.name,
        "provider": r.provider,
        "kind": r.kind.value,
        "confidence": r.confidence.label,
        "severity": r.severity.label,
        "keywords": list(r.keywords),
        "references": list(r.references),
    }


def _markdown(rules: Sequence[Rule]) -> str:
    by_provider: dict[str, list[Rule]] = {}
    for r in rules:
        by_provider.setdefault(r.provider, []).append(r)
    out = [
        f"{len(by_provider)} providers, {len(rules)} rules.",
        "",
        "| Provider | Rules | Kinds | Confidence |",
        "| --- | --- | --- | --- |",
    ]
    for provider, items in by_provider.items():
        ids = "<br>".join(f"`{r.id}`" for r in items)
        kinds = ", ".join(sorted({r.kind.value for r in items}))
        conf = ", ".join(sorted({r.confidence.label for r in items}))
        out.append(f"| {provider} | {ids} | {kinds} | {conf} |")
    return "\n".join(out) + "\n"
