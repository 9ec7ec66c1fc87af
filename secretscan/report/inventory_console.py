"""Inventory on the console: a status block, the items table, certificates."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from secretscan.inventory.records import Inventory, RiskLevel
from secretscan.inventory.summary import Summary, summarize

RISK_STYLE = {RiskLevel.CRITICAL: "bold red", RiskLevel.HIGH: "red", RiskLevel.MEDIUM: "yellow", RiskLevel.LOW: "cyan"}


def render(inv: Inventory, console: Console) -> None:
    s = summarize(inv)
    console.print(Panel(_status(s), title="secret inventory", expand=False))
    if inv.items:
        console.print(_items(inv))
    if inv.certificates:
        console.print(_certificates(inv))


def _status(s: Summary) -> Text:
    t = Text()
    t.append(f"{s.total} secret(s): {s.in_tip} in the tip, {s.history_only} only in history, {s.shared} shared\n")
    t.append("by risk: " + ", ".join(f"{k} {v}" for k, v in s.by_risk) + "\n")
    t.append("by type: " + (", ".join(f"{k} {v}" for k, v in s.by_type) or "none") + "\n")
    if s.within_interval_share is not None:
        t.append(f"rotation: {s.within_interval_share:.0%} within their interval; {len(s.overdue)} overdue\n")
    if s.certificates:
        t.append("certificates: " + ", ".join(f"{k} {v}" for k, v in s.certificates) + "\n")
    for i, action in enumerate(s.actions, 1):
        t.append(f"{i}. {action}\n", style="bold" if i == 1 else "")
    return t


def _items(inv: Inventory) -> Table:
    table = Table(title="secrets, riskiest first", title_justify="left", expand=True)
    table.add_column("risk", no_wrap=True)
    table.add_column("secret", ratio=2, overflow="fold")
    table.add_column("exposure", ratio=2, overflow="fold")
    table.add_column("where", ratio=2, overflow="fold")
    table.add_column("why", ratio=3, overflow="fold")
    for i in inv.items:
        where = i.paths[0] + (f" (+{len(i.paths) - 1} more)" if len(i.paths) > 1 else "")
        table.add_row(
            Text(f"{i.risk.level.label}\n{i.risk.score:g}", style=RISK_STYLE[i.risk.level]),
            f"{i.provider} {i.type.value.replace('_', ' ')}\n{i.preview}",
            i.exposure.label,
            f"{where}\n{', '.join(s.value for s in i.storages)}",
            "; ".join(i.risk.reasons),
        )
    return table


def _certificates(inv: Inventory) -> Table:
    table = Table(title="certificates", title_justify="left")
    for col in ("subject", "issuer", "not after", "status", "key found", "path"):
        table.add_column(col, overflow="fold")
    for c in inv.certificates:
        style = "red" if c.status == "expired" else "yellow" if c.status == "expires soon" else "green"
        table.add_row(c.subject_cn, c.issuer_cn, c.not_after[:10], Text(c.status, style=style),
                      "yes" if c.has_private_key else "no", c.paths[0])
    return table
