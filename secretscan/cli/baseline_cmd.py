"""`secretscan baseline create|update|import`: the file of known secrets the CI gate tolerates.

See secretscan.inventory.baseline for the format, and cli.baseline_support for the key.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from secretscan.cli.baseline_support import BaselineKey, find_key, key_or_new, scan_tree, timestamp, write_baseline
from secretscan.config import Settings
from secretscan.detect.digests import key_id
from secretscan.inventory.baseline import FILENAME, Baseline, create_baseline, load, require_key, update_baseline

_PATH = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(dir_okay=False, path_type=Path)

_key_option = click.option(
    "--baseline-key-file", type=_FILE, help="File holding the baseline key (default: $SECRETSCAN_BASELINE_KEY, "
    "then the config's baseline_key_file, then ~/.config/secretscan/baseline.key).",
)
_config_option = click.option("-c", "--config", type=_FILE, help="Config file.")
_history_option = click.option("--history", is_flag=True, help="Take every secret in the git history, not just the tree.")


@click.group()
def baseline() -> None:
    """Baselines for the CI gate: known secrets `scan --baseline FILE` does not fail on."""


@baseline.command()
@click.argument("path", default=".", type=_PATH)
@click.option("-o", "--output", type=_FILE, help=f"Where to write it (default: PATH/{FILENAME}).")
@_history_option
@_key_option
@_config_option
def create(path: Path, output: Path | None, history: bool, baseline_key_file: Path | None, config: Path | None) -> int:
    """Write a baseline of every secret found now (no plaintext, no line numbers)."""
    from secretscan.cli.common import settings_for

    settings = settings_for(path, config)
    key = key_or_new(baseline_key_file, settings)
    result = scan_tree(path, replace(settings, baseline_key=key.key), history)
    made = create_baseline(result.findings, timestamp(), key.key)
    target = output or path / FILENAME
    write_baseline(made, target, key)
    n = len(made.entries)
    click.echo(f"baseline {target}: {n} entr{'y' if n == 1 else 'ies'} ({len(made.keyed)} keyed)")
    return 0


@baseline.command()
@click.argument("path", default=".", type=_PATH)
@click.option("-b", "--baseline", "baseline_file", type=_FILE, help=f"The baseline (default: PATH/{FILENAME}).")
@click.option("--prune", is_flag=True, help="Drop the entries that match nothing any more.")
@_history_option
@_key_option
@_config_option
def update(
    path: Path, baseline_file: Path | None, prune: bool, history: bool, baseline_key_file: Path | None, config: Path | None
) -> int:
    """Add new secrets to a baseline, keeping each entry's reason, reviewer and expiry."""
    from secretscan.cli.common import settings_for

    settings = settings_for(path, config)
    target = baseline_file or path / FILENAME
    old = load(target)
    key = _key_for(old, baseline_key_file, settings, "cannot update")
    secret_key = key.key if key is not None else None
    result = scan_tree(path, replace(settings, baseline_key=secret_key, baseline_sha1=old.has_imported), history)
    new, summary = update_baseline(old, result, secret_key, prune)
    write_baseline(new, target, key)
    fate = "removed" if prune else "kept (--prune removes them)"
    click.echo(f"baseline {target}: {summary.kept} kept, {summary.added} added, {len(summary.stale)} stale {fate}")
    for entry in summary.stale:
        click.echo(f"  stale: {entry.label()}")
    return 0


@baseline.command("import")
@click.argument("source", type=_FILE)
@click.option("-o", "--output", type=_FILE, help=f"The secretscan baseline to write or add to (default: {FILENAME} beside SOURCE).")
@click.option("--include-unaudited", is_flag=True, help="Also carry over entries nobody audited yet.")
@_key_option
@_config_option
def import_(
    source: Path, output: Path | None, include_unaudited: bool, baseline_key_file: Path | None, config: Path | None
) -> int:
    """Carry a detect-secrets baseline's audited false positives (is_secret: false) over."""
    from secretscan.cli.common import settings_for
    from secretscan.inventory.baseline_import import import_entries, read_detect_secrets

    results = read_detect_secrets(source)
    target = output or source.parent / FILENAME
    old = load(target) if target.exists() else Baseline(timestamp())
    key = _key_for(old, baseline_key_file, settings_for(source.parent, config), f"cannot add to {target}")
    got = import_entries(results, key.key if key is not None else None, include_unaudited)
    merged = Baseline(old.created, (*old.entries, *got.entries), old.key_id or _label(key)).normalized()
    write_baseline(merged, target, key)
    click.echo(f"baseline {target}: {len(got.entries)} entries imported from {source}; not carried over: "
               f"{got.real} real secret(s) (is_secret: true), {got.unaudited} unaudited (--include-unaudited takes them), "
               f"{got.constant} hashed by detect-secrets from a constant part (re-triage them with secretscan)")
    return 0


def _key_for(old: Baseline, key_file: Path | None, settings: Settings, doing: str) -> BaselineKey | None:
    """The key a changed baseline is written with: the one its keyed entries were made with
    (an error when that is not available), else any key, or a new one."""
    key = find_key(key_file, settings) if old.keyed else key_or_new(key_file, settings)
    require_key(old, key.key if key is not None else None, doing)
    return key


def _label(key: BaselineKey | None) -> str | None:
    return key_id(key.key) if key is not None else None
