"""`secretscan` command group. Subcommands are imported only when run (or listed by --help),
so a pre-commit hook that runs `scan --staged` does not pay for the planner or the reports."""

from __future__ import annotations

import importlib

import click

from secretscan import __version__
from secretscan.cli.boundary import run
from secretscan.gc_tuning import tune_gc

COMMANDS = {
    "scan": "secretscan.cli.scan_cmd:scan",
    "rules": "secretscan.cli.rules_cmd:rules",
    "baseline": "secretscan.cli.baseline_cmd:baseline",
    "install-hook": "secretscan.cli.hook_cmd:install_hook",
    "inventory": "secretscan.cli.inventory_cmd:inventory",
    "plan": "secretscan.cli.plan_cmd:plan",
    "rotate": "secretscan.cli.rotate_cmd:rotate",
    "fix": "secretscan.cli.fix_cmd:fix",
    "migrate": "secretscan.cli.migrate_cmd:migrate",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        return command if isinstance(command, click.Command) else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="secretscan")
def cli() -> None:
    """Find secrets in repositories and get them out safely."""


def main() -> None:
    tune_gc()
    run(cli.main)
