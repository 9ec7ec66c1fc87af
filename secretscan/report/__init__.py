"""Formatters: each renders the same ScanResult. Registry of the text formats by name."""

from __future__ import annotations

from collections.abc import Callable

from secretscan.model import ScanResult
from secretscan.report import jsonfmt, sarif

TextFormatter = Callable[[ScanResult], str]

FORMATTERS: dict[str, TextFormatter] = {
    "json": jsonfmt.render,
    "sarif": sarif.render,
}
