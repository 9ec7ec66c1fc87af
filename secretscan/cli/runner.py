"""Running a scan for a command: which sources, which rules, one detector.

Shared by `scan`, `baseline` and `inventory` (and `plan`), so every command reads the same
content the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secretscan.errors import UsageError

if TYPE_CHECKING:
    from secretscan.config import Settings
    from secretscan.detect.scanner import Detector
    from secretscan.model import ScanResult
    from secretscan.pipeline import Progress
    from secretscan.sources.base import Source


@dataclass(frozen=True, slots=True)
class GitMode:
    """Which git content to scan instead of the working tree (all unset: the working tree)."""

    staged: bool = False
    history: bool = False
    branches: tuple[str, ...] = ()
    since: str | None = None
    range: str | None = None
    allow_shallow: bool = False

    @property
    def reads_history(self) -> bool:
        return self.history or bool(self.branches or self.since or self.range)

    def check(self, paths: tuple[Path, ...], no_git: bool) -> None:
        if self.staged and self.reads_history:
            raise UsageError("--staged scans the index: do not combine it with --history, --branch, --since or --range")
        if self.since and self.range:
            raise UsageError("--since and --range both choose commits: give one of them")
        if self.range and self.branches:
            raise UsageError("--range names its own commits: do not combine it with --branch")
        if (self.staged or self.reads_history) and (no_git or len(paths) > 1):
            raise UsageError("--staged, --history, --since and --range take one repository path and need git")


def detector_for(settings: Settings, extra_rules: tuple[Path, ...] = ()) -> Detector:
    from secretscan.cli.common import cache_dir, rules_for
    from secretscan.detect.engine import Engine
    from secretscan.detect.scanner import Detector

    return Detector(Engine(rules_for(settings, extra_rules), cache_dir()), settings)


def sources_for(targets: tuple[Path, ...], settings: Settings, mode: GitMode) -> list[Source]:
    if mode.staged:
        from secretscan.sources.staged import StagedSource

        return [StagedSource(targets[0], settings)]  # type: ignore[list-item]
    if mode.reads_history:
        from secretscan.sources.git_history import HistorySource, HistorySpec

        spec = HistorySpec(mode.branches, mode.since, mode.range, mode.allow_shallow)
        return [HistorySource(targets[0], settings, spec)]  # type: ignore[list-item]
    from secretscan.sources.files import FileSource

    return [FileSource(t, settings) for t in targets]


def run_sources(
    targets: tuple[Path, ...],
    settings: Settings,
    mode: GitMode | None = None,
    extra_rules: tuple[Path, ...] = (),
    progress: Progress | None = None,
) -> ScanResult:
    """Scan what ``mode`` selects under ``targets`` with the configured rules."""
    from secretscan.cli.common import cache_dir
    from secretscan.pipeline import Workers, scan

    chosen = mode or GitMode()
    return scan(sources_for(targets, settings, chosen), detector_for(settings, extra_rules), progress, Workers(settings.jobs, cache_dir()))
