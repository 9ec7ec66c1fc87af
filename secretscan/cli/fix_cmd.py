"""`secretscan fix [PATH]`: take the secrets out of the working tree's files, as the plan says.

Dry run by default: a unified diff of every change, values shown only as previews. ``--write``
makes the changes (each file replaced atomically; a file changed since the scan is left alone).
Without ``--plan`` the working tree is scanned and planned now; with ``--plan DIR`` the changes a
``secretscan plan`` wrote earlier (``fix/changes.json``) are applied, judged by each file's digest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from secretscan.cli.plan_cmd import parse_options
from secretscan.errors import EXIT_CLEAN, EXIT_FINDINGS, InputError

if TYPE_CHECKING:
    from secretscan.apply.changes import ChangeSet
    from secretscan.apply.fixer import FileOutcome

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("fix")
@click.argument("path", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--write", is_flag=True, help="Make the changes (default: print the diff only).")
@click.option(
    "--plan",
    "plan_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A plan folder written by `secretscan plan`: apply its fix/changes.json.",
)
@click.option(
    "--backend", default="vault", show_default=True, help="vault | aws-secrets | azure-keyvault | gcp-secretmanager"
)
@click.option("--target", help="kubernetes | cicd | application (default: detected from the repository).")
@click.option("--environment", default="prod", show_default=True, help="Environment the paths and names are for.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-c", "--config", type=_FILE, help="Config file (for the scan).")
def fix(
    path: Path,
    write: bool,
    plan_dir: Path | None,
    backend: str,
    target: str | None,
    environment: str,
    fmt: str,
    config: Path | None,
) -> int:
    """Replace secret values in files with references to where they now live (diff first)."""
    from secretscan.apply.fixer import apply_changes, diff

    if not path.is_dir():
        raise InputError(f"not a folder: {path}")
    root = path.resolve()
    changes = (
        load_changes(plan_dir) if plan_dir is not None else compute_changes(root, backend, target, environment, config)
    )
    diffs: list[str] = []  # a dry run's diff, from the same reading of each file as its verdict
    shown = fmt != "json" and not write
    outcomes = apply_changes(root, changes.changes, write=write,
                             on_ready=(lambda c, before: diffs.append(diff(c, before))) if shown else None)
    if fmt == "json":
        click.echo(json.dumps(outcomes_doc(changes, outcomes, write), indent=2))
    else:
        if shown:
            click.echo("".join(diffs), nl=False)
        echo_summary(changes, outcomes, write)
    return exit_code(changes, outcomes, write)


def compute_changes(root: Path, backend: str, target: str | None, environment: str, config: Path | None) -> ChangeSet:
    from secretscan.apply.changes import plan_changes
    from secretscan.cli.apply_support import prepare

    options = parse_options(backend, target, None, None, None, None, environment, root)
    prepared = prepare(root, options, config, reveal=False, detect=target is None)
    return plan_changes(prepared.ctx)


def load_changes(plan_dir: Path) -> ChangeSet:
    from secretscan.apply.changes_json import PATH, from_json

    file = plan_dir / PATH
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read {file}: {exc.strerror} (write the plan with `secretscan plan PATH -o DIR`)"
        ) from None
    return from_json(text, str(file))


_DONE = {
    "changed": "changed",
    "would-change": "would change",
    "applied": "already done",
    "stale": "NOT TOUCHED",
    "failed": "FAILED",
}


def echo_summary(changes: ChangeSet, outcomes: list[FileOutcome], write: bool) -> None:
    for o in outcomes:
        why = f": {o.reason}" if o.reason else ""
        click.echo(f"secretscan: {_DONE.get(o.status, o.status)}: {o.path} ({o.kind}){why}", err=True)
    for m in changes.manual:
        click.echo(f"secretscan: manual: {m.path}: {m.reason}", err=True)
    if not outcomes and not changes.manual:
        click.echo("secretscan: nothing to fix", err=True)
    elif not write and any(o.status == "would-change" for o in outcomes):
        click.echo("secretscan: dry run: run again with --write to make these changes", err=True)


def outcomes_doc(changes: ChangeSet, outcomes: list[FileOutcome], write: bool) -> dict[str, object]:
    return {
        "write": write,
        "files": [
            {
                "path": o.path,
                "kind": o.kind,
                "status": o.status,
                "reason": o.reason,
                "before_sha256": o.before_sha256,
                "after_sha256": o.after_sha256,
            }
            for o in outcomes
        ],
        "manual": [{"path": m.path, "reason": m.reason, "fingerprints": list(m.fingerprints)} for m in changes.manual],
    }


def exit_code(changes: ChangeSet, outcomes: list[FileOutcome], write: bool) -> int:
    """0: every change made or already made (dry run: nothing stale); 1: a file left untouched,
    failed, or left to a person."""
    bad = any(o.status in ("stale", "failed") for o in outcomes) or (write and bool(changes.manual))
    return EXIT_FINDINGS if bad else EXIT_CLEAN
