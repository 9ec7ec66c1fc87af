"""`secretscan scan`: the working tree (and, later, staged content and history)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from secretscan.cli.common import cache_dir, rules_for, settings_for, write_output
from secretscan.cli.output import emit
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.errors import EXIT_CLEAN, EXIT_FINDINGS
from secretscan.model import Confidence, ScanResult, Severity
from secretscan.pipeline import scan as run_scan
from secretscan.sources.files import FileSource

LEVELS = click.Choice([s.label for s in Severity] + ["any", "none"], case_sensitive=False)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-git", is_flag=True, help="Scan every file under the paths, ignoring git.")
@click.option("-f", "--format", "fmt", type=click.Choice(["console", "json", "sarif"]), default="console")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--fail-on", type=LEVELS, default=None, help="Lowest severity that fails the run (default: any).")
@click.option("--min-confidence", type=click.Choice([c.label for c in Confidence]), default=None)
@click.option("--show-secrets", is_flag=True, help="Print full secret values (never the default).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, path_type=Path), help="Extra rule folder.")
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=None, help="Skip larger files (bytes).")
@click.option("-q", "--quiet", is_flag=True, help="No progress, no summary on a clean run.")
def scan(
    paths: tuple[Path, ...],
    no_git: bool,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    min_confidence: str | None,
    show_secrets: bool,
    config: Path | None,
    rules_dirs: tuple[Path, ...],
    exclude: tuple[str, ...],
    max_file_size: int | None,
    quiet: bool,
) -> int:
    """Scan files for secrets. Exit 1 when findings reach --fail-on."""
    targets = paths or (Path("."),)
    settings = settings_for(targets[0], config)
    settings = replace(
        settings.with_overrides(
            min_confidence=Confidence.parse(min_confidence) if min_confidence else None,
            max_file_size=max_file_size,
            fail_on=_threshold(fail_on),
        ),
        exclude=settings.exclude + exclude,
        show_secrets=show_secrets,
        use_git=not no_git,
    )
    detector = Detector(Engine(rules_for(settings, rules_dirs), cache_dir()), settings)
    result = run_scan([FileSource(t, settings) for t in targets], detector)
    emit(result, fmt, output, quiet)
    return gate(result, settings.fail_on)


def _threshold(level: str | None) -> Severity | None:
    if level is None:
        return None
    if level == "any":
        return Severity.INFO
    if level == "none":
        return Severity.CRITICAL + 1  # type: ignore[return-value]
    return Severity.parse(level)


def gate(result: ScanResult, fail_on: int) -> int:
    """Exit code for a finished scan: 1 when an active finding reaches the threshold."""
    return EXIT_FINDINGS if any(f.severity >= fail_on for f in result.active) else EXIT_CLEAN
