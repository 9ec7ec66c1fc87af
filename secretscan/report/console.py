"""Readable console report (rich). The only report that draws on a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from secretscan.model import ScanResult, Severity, Status

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def render(result: ScanResult, console: Console) -> None:
    active = result.active
    if active:
        from rich.table import Table  # only with findings: a clean run prints two lines
        from rich.text import Text

        table = Table(title=f"{len(active)} secret(s) found", title_justify="left", expand=False)
        for column in ("severity", "rule", "location", "preview", "storage"):
            table.add_column(column, overflow="fold")
        for f in active:
            for i, loc in enumerate(f.locations):
                if loc.allowed:
                    continue
                where = f"{loc.provenance.path}:{loc.span.line}:{loc.span.column}"
                if loc.provenance.commit is not None:
                    where += f" @{loc.provenance.commit.sha[:10]}"
                if loc.locator:
                    where += f"\n{loc.locator}"
                shown = f.revealed if f.revealed is not None else f.preview
                table.add_row(
                    Text(f.severity.label, style=_STYLE[f.severity]) if i == 0 else Text(""),
                    f.rule_id if i == 0 else "",
                    where,
                    shown,
                    loc.storage.value,
                )
        console.print(table)
    else:
        console.print("[green]No secrets found.[/green]")
    allowed = sum(1 for f in result.findings if f.status is Status.ALLOWED)
    baselined = sum(1 for f in result.findings if f.status is Status.BASELINED)
    for s in result.skipped:
        console.print(f"[yellow]skipped[/yellow] {s.path}: {s.reason}", highlight=False)
    for note in result.notes:
        console.print(f"[yellow]note[/yellow] {note}", highlight=False)
    stats = result.stats
    mb = stats.bytes_scanned / 1e6
    console.print(
        f"[dim]{stats.blobs_scanned} blob(s), {mb:.2f} MB scanned in {stats.seconds:.2f}s with "
        f"{stats.rules} rules; {allowed} allowed inline, {baselined} baselined, "
        f"{len(result.skipped)} skipped[/dim]",
        highlight=False,
    )
