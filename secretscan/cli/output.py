"""Render a result in the chosen format to the terminal or a file (opened only after the scan)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secretscan.model import ScanResult


def emit(result: ScanResult, fmt: str, output: Path | None, quiet: bool = False) -> None:
    if fmt == "console":
        if quiet and output is None and not result.active and not result.skipped:
            return  # a hook's clean quiet run draws nothing: rich is never imported
        from rich.console import Console

        from secretscan.report import console as console_report

        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                console_report.render(result, Console(file=fh, width=160, no_color=True))
            return
        console_report.render(result, Console(highlight=False))
        return
    from secretscan.cli.common import write_output
    from secretscan.report import FORMATTERS

    write_output(FORMATTERS[fmt](result), output)
