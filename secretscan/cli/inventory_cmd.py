"""`secretscan inventory`: one item per secret, with risk, exposure and rotation."""

from __future__ import annotations

from pathlib import Path

import click

from secretscan.errors import EXIT_CLEAN, EXIT_FINDINGS

RISKS = click.Choice(["low", "medium", "high", "critical", "none"], case_sensitive=False)


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--history", is_flag=True, help="Build it from every blob in the git history, not the working tree.")
@click.option("-f", "--format", "fmt", type=click.Choice(["console", "json", "markdown", "html"]), default="console")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--fail-on", type=RISKS, default="low", show_default=True, help="Lowest risk level that exits 1.")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
def inventory(path: Path, history: bool, fmt: str, output: Path | None, fail_on: str, config: Path | None) -> int:
    """List every distinct secret once: where it lives and lived, how risky it is, what to do first."""
    from secretscan.cli.baseline_support import scan_tree
    from secretscan.cli.common import settings_for, write_output
    from secretscan.errors import InputError
    from secretscan.inventory.build import build_inventory
    from secretscan.inventory.records import RiskLevel
    from secretscan.inventory.summary import reaches

    if not path.exists():
        raise InputError(f"path not found: {path}")
    settings = settings_for(path, config)
    inv = build_inventory(scan_tree(path, settings, history), settings, history=history)
    if fmt == "console" and output is None:
        from rich.console import Console

        from secretscan.report.inventory_console import render

        render(inv, Console(highlight=False))
    else:
        write_output(_render(inv, fmt), output)
    if fail_on == "none":
        return EXIT_CLEAN
    return EXIT_FINDINGS if reaches(inv.items, RiskLevel.parse(fail_on)) else EXIT_CLEAN


def _render(inv, fmt: str) -> str:  # type: ignore[no-untyped-def]
    if fmt == "json":
        from secretscan.report.inventory_json import render
    elif fmt == "markdown":
        from secretscan.report.inventory_markdown import render
    elif fmt == "html":
        from secretscan.report.inventory_html import render
    else:
        from io import StringIO

        from rich.console import Console

        from secretscan.report.inventory_console import render as draw

        buf = StringIO()
        draw(inv, Console(file=buf, width=160, no_color=True))
        return buf.getvalue()
    return render(inv)
