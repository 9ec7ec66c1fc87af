"""`secretscan rotate [PATH] --vault-addr URL`: kill each leaked value.

Database credentials under Vault's database engine are rotated by Vault (static role or root)
and proved: the leaked password is refused, Vault's credential logs in. Every other secret gets
its rotation runbook with its details filled in. Exit 0 when every rotation is proved, 2 when
any failed (one line each), never a value in the output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from secretscan.errors import EXIT_CLEAN, EXIT_USAGE

if TYPE_CHECKING:
    from secretscan.apply.rotate import Outcome

FORMATS = ("console", "json")
_MARK = {"rotated": ("✔", "green"), "already-rotated": ("✔", "green"), "failed": ("✘", "red"), "runbook": ("•", "cyan")}


@click.command("rotate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--vault-addr", help="Vault (or OpenBao) address (default: $VAULT_ADDR).")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the token (default: $VAULT_TOKEN).",
)
@click.option("--namespace", help="Vault Enterprise namespace.")
@click.option("--ca-cert", help="CA bundle to verify Vault's TLS certificate.")
@click.option("--tls-skip-verify", is_flag=True, help="Do not verify Vault's TLS certificate (testing only).")
@click.option("--item", "items", multiple=True, help="Only this secret (fingerprint or a unique prefix); repeatable.")
@click.option(
    "--environment", default="prod", show_default=True, help="Environment the plan's paths and roles are named for."
)
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path), help="Config file (for the scan).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="console", show_default=True)
def rotate(
    path: Path | None,
    vault_addr: str | None,
    token_file: Path | None,
    namespace: str | None,
    ca_cert: str | None,
    tls_skip_verify: bool,
    items: tuple[str, ...],
    environment: str,
    config: Path | None,
    fmt: str,
) -> int:
    """Rotate database credentials through Vault and prove the old password dead; print runbooks for the rest."""
    from secretscan.apply import rotate as rot
    from secretscan.apply.vault_conn import client, connection
    from secretscan.cli.apply_support import prepare
    from secretscan.cli.plan_cmd import parse_options

    root = path if path is not None else Path(".")
    options = parse_options("vault", None, None, None, None, None, environment, root)
    prepared = prepare(root, options, config, reveal=True, detect=True)
    chosen = rot.select(prepared.ctx.secrets, items)
    vault: list[Any] = []
    if any(rot.rotates_in_vault(s) for s in chosen):  # fail fast, before anything is printed
        conn = connection(vault_addr, token_file, namespace, ca_cert, tls_skip_verify=tls_skip_verify)
        vault.append(client(conn))
    outcomes = rot.rotate(chosen, prepared.ctx.options, prepared.values, prepared.root, lambda: vault[0])
    emit(outcomes, fmt)
    failed = sum(o.status == rot.FAILED for o in outcomes)
    click.echo(f"secretscan: rotate: {summary(outcomes)}", err=True)
    return EXIT_USAGE if failed else EXIT_CLEAN


def summary(outcomes: tuple[Outcome, ...]) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("rotated", "already-rotated", "failed", "runbook")}
    text = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return text or "no secret found: nothing to rotate"


def emit(outcomes: tuple[Outcome, ...], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(document(outcomes), indent=2))
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    for o in outcomes:
        render(o, console)


def document(outcomes: tuple[Outcome, ...]) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "version": 1,
        "kind": "secretscan-rotation",
        "items": [asdict(o) for o in outcomes],
        "summary": {
            s: sum(o.status == s for o in outcomes) for s in ("rotated", "already-rotated", "failed", "runbook")
        },
    }


def render(o: Outcome, console: Any) -> None:
    from rich.text import Text

    from secretscan.apply.rotate import runbook_header

    mark, colour = _MARK.get(o.status, ("?", "white"))
    head = Text()
    head.append(f"{mark} {o.status}", style=f"bold {colour}")
    head.append(f"  {o.fingerprint[:12]}  {o.service} {o.env_var} ({o.type}, {o.preview})  {', '.join(o.where)}")
    console.print(head)
    console.print(Text(f"    {o.detail}"))
    if o.runbook is not None:
        for line in runbook_header(o):
            console.print(Text(f"    {line}"))
        console.print(Text(""))
        for line in o.runbook.splitlines():
            console.print(Text(f"    {line}" if line else ""))
    console.print(Text(""))
