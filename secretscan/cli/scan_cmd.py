"""`secretscan scan`: the working tree, the staged content, a git history or a range of commits.

Heavy modules (the engine, rich) are imported inside the command, so that a pre-commit hook
judging one staged file starts fast.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from secretscan.cli.runner import GitMode
from secretscan.errors import EXIT_CLEAN, EXIT_FINDINGS
from secretscan.model import Confidence, ScanResult, Severity

if TYPE_CHECKING:
    from secretscan.cli.baseline_support import GateBaseline
    from secretscan.config import Settings
    from secretscan.pipeline import Progress

LEVELS = click.Choice([s.label for s in Severity] + ["any", "none"], case_sensitive=False)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-git", is_flag=True, help="Scan every file under the paths, ignoring git.")
@click.option("--staged", is_flag=True, help="Scan what is about to be committed (the index), not the working tree.")
@click.option("--history", is_flag=True, help="Scan every blob reachable from every ref (branches, tags, remotes).")
@click.option("--branch", "branches", multiple=True, metavar="REF", help="Scan the history of REF only (repeatable).")
@click.option("--since", metavar="REF", help="Scan only the blobs introduced by the commits after REF (REF..HEAD).")
@click.option("--range", "commit_range", metavar="A..B", help="Scan only the blobs introduced by the commits in A..B.")
@click.option("--allow-shallow", is_flag=True, help="Scan a shallow clone's partial history instead of refusing.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None, help="Worker processes (0: one per core).")
@click.option("-f", "--format", "fmt", type=click.Choice(["console", "json", "sarif"]), default="console")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--fail-on", type=LEVELS, default=None, help="Lowest severity that fails the run (default: any).")
@click.option("--fail-on-risk", type=click.Choice(["low", "medium", "high", "critical"]), default=None,
              help="Fail on the inventory's risk level instead (type, exposure, storage, age, spread).")
@click.option("--min-confidence", type=click.Choice([c.label for c in Confidence]), default=None)
@click.option("--show-secrets", is_flag=True, help="Print full secret values (never the default).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, path_type=Path), help="Extra rule folder.")
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=None, help="Skip larger files (bytes).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary on a clean run.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path), help="Fail only on secrets not in this baseline (secretscan baseline create).")
@click.option("--baseline-key-file", type=click.Path(dir_okay=False, path_type=Path), help="Key of the baseline's keyed entries (default: $SECRETSCAN_BASELINE_KEY).")
def scan(
    paths: tuple[Path, ...],
    no_git: bool,
    staged: bool,
    history: bool,
    branches: tuple[str, ...],
    since: str | None,
    commit_range: str | None,
    allow_shallow: bool,
    jobs: int | None,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    fail_on_risk: str | None,
    min_confidence: str | None,
    show_secrets: bool,
    config: Path | None,
    rules_dirs: tuple[Path, ...],
    exclude: tuple[str, ...],
    max_file_size: int | None,
    quiet: bool,
    baseline_file: Path | None,
    baseline_key_file: Path | None,
) -> int:
    """Scan files, staged changes or git history for secrets. Exit 1 when findings reach --fail-on."""
    from secretscan.cli.common import settings_for
    from secretscan.cli.output import emit
    from secretscan.cli.runner import run_sources

    mode = GitMode(staged, history, branches, since, commit_range, allow_shallow)
    mode.check(paths, no_git)
    targets = paths or (Path("."),)
    settings = settings_for(targets[0], config)
    settings = replace(
        settings.with_overrides(
            min_confidence=Confidence.parse(min_confidence) if min_confidence else None,
            max_file_size=max_file_size,
            fail_on=_threshold(fail_on),
            jobs=jobs,
        ),
        exclude=settings.exclude + exclude,
        show_secrets=show_secrets,
        use_git=not no_git,
    )
    known = _gate(baseline_file, baseline_key_file, settings)
    settings = known.prepare(settings) if known else settings
    with _progress_sink(quiet) as sink:
        result = run_sources(targets, settings, mode, rules_dirs, sink)
    if known:
        result = known.apply(result, partial=mode.staged or bool(mode.since or mode.range), echo=quiet or fmt != "console" or output is not None)
    emit(result, fmt, output, quiet)
    if fail_on_risk is not None:
        return risk_gate(result, settings, fail_on_risk)
    return gate(result, settings.fail_on)


def _gate(baseline_file: Path | None, key_file: Path | None, settings: Settings) -> GateBaseline | None:
    """The `--baseline` gate (cli.baseline_support, imported only when a baseline is given)."""
    if baseline_file is None:
        return None
    from secretscan.cli.baseline_support import open_gate

    return open_gate(baseline_file, key_file, settings)


class _progress_sink:
    """A progress bar on a terminal (stderr), nothing otherwise or with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.bar: Progress | None = None
        if not quiet and sys.stderr.isatty():
            from secretscan.cli.progress import DelayedBar

            self.bar = DelayedBar()

    def __enter__(self) -> Progress | None:
        return self.bar

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()  # type: ignore[attr-defined]


def _threshold(level: str | None) -> Severity | None:
    if level is None:
        return None
    if level == "any":
        return Severity.INFO
    if level == "none":
        return Severity.CRITICAL + 1  # type: ignore[return-value]
    return Severity.parse(level)


def risk_gate(result: ScanResult, settings: Settings, level: str) -> int:
    """Exit code from the inventory's risk levels: 1 when an active secret reaches ``level``."""
    from secretscan.inventory.build import build_inventory
    from secretscan.inventory.records import RiskLevel
    from secretscan.inventory.summary import reaches

    items = build_inventory(result, settings).items
    return EXIT_FINDINGS if reaches(items, RiskLevel.parse(level)) else EXIT_CLEAN


def gate(result: ScanResult, fail_on: int) -> int:
    """Exit code for a finished scan: 1 when an active finding reaches the threshold."""
    return EXIT_FINDINGS if any(f.severity >= fail_on for f in result.active) else EXIT_CLEAN
