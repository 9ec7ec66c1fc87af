"""`secretscan rules list|check`."""

from __future__ import annotations

from pathlib import Path

import click

from secretscan.cli.common import cache_dir, rules_for, settings_for
from secretscan.detect.rulecheck import check_rules
from secretscan.errors import EXIT_CLEAN, RuleError
from secretscan.report.rules_table import render_rules


@click.group()
def rules() -> None:
    """List and check detection rules."""


@rules.command("list")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def list_rules(rules_dirs: tuple[Path, ...], fmt: str) -> int:
    """Print the rules in use: pattern rules and the structural rules of the walkers."""
    from secretscan.detect.structural_rules import STRUCTURAL_RULES

    settings = settings_for(Path("."), None)
    structural = [r for r in STRUCTURAL_RULES if r.id not in settings.disable_rules]
    click.echo(render_rules([*rules_for(settings, rules_dirs), *structural], fmt), nl=False)
    return EXIT_CLEAN


@rules.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> int:
    """Check rules: compile, one capture group, examples match, negatives do not.

    With no PATH, checks the built-in rules; with PATHs, checks those rule folders or files.
    """
    loaded = rules_for(settings_for(Path("."), None), only=paths) if paths else _builtin_unchecked()
    problems = check_rules(loaded, cache_dir())
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in {len(loaded)} rule(s)")
    providers = len({r.provider for r in loaded})
    click.echo(f"{len(loaded)} rules from {providers} providers: all checks passed")
    return EXIT_CLEAN


def _builtin_unchecked() -> list:
    """Built-in rules with duplicates kept, so that check reports them instead of failing to load."""
    from secretscan.ruleset.loader import builtin_rules_dir, load_dirs

    return load_dirs([builtin_rules_dir()])
