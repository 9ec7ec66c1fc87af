"""Inventory as Markdown, for tickets and audit reports."""

from __future__ import annotations

from secretscan.inventory.records import Inventory
from secretscan.inventory.summary import summarize


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def render(inv: Inventory) -> str:
    s = summarize(inv)
    out = [
        "# Secret inventory",
        "",
        f"Generated {inv.generated_at} from {'the full git history' if inv.history else 'the working tree'}.",
        "",
        f"- **{s.total}** secret(s): {s.in_tip} in the tip, {s.history_only} only in history, {s.shared} shared between services",
        "- by risk: " + ", ".join(f"{k} {v}" for k, v in s.by_risk),
        "- by type: " + (", ".join(f"{k} {v}" for k, v in s.by_type) or "none"),
    ]
    if s.within_interval_share is not None:
        out.append(f"- rotation: {s.within_interval_share:.0%} within their interval, {len(s.overdue)} overdue")
    if s.actions:
        out += ["", "## Top actions", ""] + [f"{n}. {a}" for n, a in enumerate(s.actions, 1)]
    out += ["", "## Groups", "", "| type | count | current storage | risk | dynamic |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {g.type.value} | {g.count} | {', '.join(g.current_storage)} | {g.risk_level.label} | {'yes' if g.dynamic_eligible else 'no'} |" for g in s.groups]
    out += ["", "## Secrets", "", "| risk | type | provider | preview | exposure | first seen | locations | why |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for i in inv.items:
        first = f"{i.first_seen.date[:10]} {i.first_seen.sha[:10]} ({i.first_seen.author})" if i.first_seen else "working tree"
        locs = "<br>".join(
            _cell(f"{loc.provenance.path}:{loc.span.line} [{loc.storage.value}]" + (f" {loc.locator}" if loc.locator else ""))
            for loc in i.locations[:10]
        ) + (f"<br>+{len(i.locations) - 10} more" if len(i.locations) > 10 else "")
        out.append(
            f"| {i.risk.level.label} | {i.type.value} | {_cell(i.provider)} | `{i.preview}` | {_cell(i.exposure.label)} | "
            f"{_cell(first)} | {locs} | {_cell('; '.join(i.risk.reasons))} |"
        )
    if inv.certificates:
        out += ["", "## Certificates", "", "| subject | SANs | issuer | not after | status | key found |", "| --- | --- | --- | --- | --- | --- |"]
        out += [f"| {_cell(c.subject_cn)} | {_cell(', '.join(c.sans))} | {_cell(c.issuer_cn)} | {c.not_after[:10]} | {c.status} | {'yes' if c.has_private_key else 'no'} |" for c in inv.certificates]
    if inv.keys:
        out += ["", "## Private keys", "", "| algorithm | size | encrypted | pairs with a certificate | path |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {k.algorithm} | {k.size} | {'yes' if k.encrypted else 'no'} | {'yes' if k.pairs_with_certificate else 'no'} | {_cell(k.paths[0])} |" for k in inv.keys]
    return "\n".join(out) + "\n"
