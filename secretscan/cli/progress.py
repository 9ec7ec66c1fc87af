"""The progress bar of long scans (rich, on stderr). Imported only when stderr is a terminal.

It appears only once a scan has run for a moment, so a quick scan (a pre-commit hook) never
imports rich for it nor flickers a bar; it shows blobs and bytes done, MB/s and, once the
walker has said how much it will read, the totals and the time left.
"""

from __future__ import annotations

import time
from typing import Any

SHOW_AFTER_SECONDS = 0.5


class DelayedBar:
    def __init__(self, console: Any = None) -> None:
        self._console = console  # default: a rich Console on stderr, made when the bar opens
        self._started = time.monotonic()
        self._blobs = self._bytes = 0
        self._total_blobs: int | None = None
        self._total_bytes: int | None = None
        self._live: Any = None
        self._task: Any = None

    def plan(self, blobs: int, nbytes: int) -> None:
        self._total_blobs, self._total_bytes = blobs, nbytes
        if self._live is not None:
            self._live.update(self._task, total=nbytes)

    def advance(self, blobs: int, nbytes: int) -> None:
        self._blobs += blobs
        self._bytes += nbytes
        if self._live is None:
            if time.monotonic() - self._started < SHOW_AFTER_SECONDS:
                return
            self._open()
        self._live.update(self._task, completed=self._bytes, blobs=self._blob_text())

    def _blob_text(self) -> str:
        total = f"/{self._total_blobs:,}" if self._total_blobs is not None else ""
        return f"{self._blobs:,}{total} blobs"

    def _open(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._live = Progress(
            TextColumn("[bold]scanning"),
            BarColumn(),
            TextColumn("{task.fields[blobs]}"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self._console or Console(stderr=True),
            transient=True,
        )
        self._task = self._live.add_task("scan", total=self._total_bytes, blobs=self._blob_text())
        self._live.start()

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
