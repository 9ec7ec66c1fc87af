"""Render a result in the chosen format to the terminal or a file (opened only after the scan)."""

from __future__ import annotations

from pathlib import Path

from secretscan.cli.common import write_output
from secretscan.model import ScanResult
from secretscan.report import FORMATTERS


def emit(result: ScanResult, fmt: str, output: Path | None, quiet: bool = False) -> None:
    from rich.console import Console  # only when drawing: a hook's clean run never imports rich

    from secretscan.report import console as console_report

    if fmt == "console":
        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                console_report.render(result, Console(file=fh, width=160, no_color=True))
            return
        if quiet and not result.active and not result.skipped:
            return
        console_report.render(result, Console(highlight=False))
        return
    write_output(FORMATTERS[fmt](result), output)
