"""`secretscan` command group."""

from __future__ import annotations

import click

from secretscan import __version__
from secretscan.cli.baseline_cmd import baseline
from secretscan.cli.boundary import run
from secretscan.cli.hook_cmd import install_hook
from secretscan.cli.inventory_cmd import inventory
from secretscan.cli.rules_cmd import rules
from secretscan.cli.scan_cmd import scan


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="secretscan")
def cli() -> None:
    """Find secrets in repositories and get them out safely."""


cli.add_command(scan)
cli.add_command(rules)
cli.add_command(baseline)
cli.add_command(install_hook)
cli.add_command(inventory)


def main() -> None:
    run(cli.main)
