"""`secretscan migrate [PATH] --vault-addr URL`: every secret into Vault, verified, then the files.

Order, and why: (1) scan and plan in memory (values kept in memory only); (2) write each value
to its KV v2 path with check-and-set and read it back (same value already there: left as is;
a different one: a conflict, never overwritten without --overwrite); (3) upload the policies,
auth roles and database engine the plan defines; (4) only when every write is verified, rewrite
the files (``fix``). Any failure before (4) rewrites nothing. Each step is journaled (paths,
versions, file digests; never values) so ``--resume`` continues and ``--rollback`` restores the
files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from secretscan.cli.plan_cmd import parse_options
from secretscan.errors import EXIT_CLEAN, EXIT_FINDINGS, InputError, UsageError

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("migrate")
@click.argument("path", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--vault-addr", help="Vault/OpenBao address (default: $VAULT_ADDR).")
@click.option("--token-file", type=_FILE, help="File holding the Vault token (default: $VAULT_TOKEN).")
@click.option("--namespace", help="Vault Enterprise namespace (default: $VAULT_NAMESPACE).")
@click.option("--ca-cert", help="CA bundle to verify Vault's TLS certificate (default: $VAULT_CACERT).")
@click.option("--client-cert", help="Client certificate for TLS authentication.")
@click.option("--client-key", help="Client key for TLS authentication.")
@click.option("--tls-skip-verify", is_flag=True, help="Do not verify Vault's TLS certificate (testing only).")
@click.option(
    "--kubernetes-host",
    help="API server Vault's Kubernetes auth checks tokens with (when Vault runs outside the cluster).",
)
@click.option("--kubernetes-ca-cert", type=_FILE, help="PEM CA certificate of that API server.")
@click.option("--target", help="kubernetes | cicd | application (default: detected from the repository).")
@click.option("--environment", default="prod", show_default=True, help="Environment the paths and roles are named for.")
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace a different value already at a planned path (default: report a conflict).",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted migration (its journal).")
@click.option("--rollback", is_flag=True, help="Restore the files an earlier migration rewrote (Vault is left as is).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-c", "--config", type=_FILE, help="Config file (for the scan).")
def migrate(
    path: Path,
    vault_addr: str | None,
    token_file: Path | None,
    namespace: str | None,
    ca_cert: str | None,
    client_cert: str | None,
    client_key: str | None,
    tls_skip_verify: bool,
    kubernetes_host: str | None,
    kubernetes_ca_cert: Path | None,
    target: str | None,
    environment: str,
    overwrite: bool,
    resume: bool,
    rollback: bool,
    fmt: str,
    config: Path | None,
) -> int:
    """Move every secret into Vault (verified by read-back), then rewrite the files to reference it."""
    from secretscan.apply.journal import Journal

    if not path.is_dir():
        raise InputError(f"not a folder: {path}")
    if resume and rollback:
        raise UsageError("--resume and --rollback do not combine")
    root = path.resolve()
    existing = Journal.load(root)
    if rollback:
        return do_rollback(existing, fmt)
    if existing is not None and existing.state not in ("complete", "rolled-back") and not resume:
        raise UsageError(
            f"an earlier migration did not finish ({existing.path}): run again with --resume to continue it or --rollback to restore the files"
        )
    if resume and (existing is None or existing.state in ("complete", "rolled-back")):
        raise UsageError("nothing to resume: no unfinished migration journal for this folder")
    from secretscan.apply.vault_conn import connection

    kube = kubernetes_auth(kubernetes_host, kubernetes_ca_cert)
    conn = connection(vault_addr, token_file, namespace, ca_cert, client_cert, client_key, tls_skip_verify)
    report = run_migration(root, conn, target, environment, overwrite, config, existing if resume else None, kube)
    emit(report, fmt)
    return EXIT_CLEAN if report["complete"] else EXIT_FINDINGS


def run_migration(
    root: Path,
    conn: Any,  # apply.vault_conn.VaultConn
    target: str | None,
    environment: str,
    overwrite: bool,
    config: Path | None,
    journal: Any,
    kube: Any = None,
) -> dict[str, Any]:
    from secretscan.apply.changes import plan_changes
    from secretscan.apply.fixer import apply_changes
    from secretscan.apply.journal import Journal, JournalKeeper
    from secretscan.apply.vault_apply import apply_config, put_values
    from secretscan.apply.vault_conn import client
    from secretscan.cli.apply_support import prepare

    options = parse_options("vault", target, None, None, None, None, environment, root)
    prepared = prepare(root, options, config, reveal=True, detect=target is None)
    changes = plan_changes(prepared.ctx)
    vault = client(conn)
    if journal is None:
        journal = Journal.start(root, conn.addr)
    else:
        journal.data.setdefault("resumed", []).append(journal.data.get("state", ""))
    journal.set_state("vault")

    def on_kv(outcomes: list[Any]) -> None:  # once per KV path
        for o in outcomes:
            journal.record_vault(_kv_dict(o))

    kv = put_values(vault, prepared.ctx, prepared.values, overwrite=overwrite, on_outcome=on_kv)
    report: dict[str, Any] = {
        "root": str(root),
        "vault": [_kv_dict(o) for o in kv],
        "config": [],
        "files": [],
        "manual": [],
        "complete": False,
    }
    if not all(o.ok for o in kv):
        journal.set_state("vault-incomplete")
        report["stopped"] = "not every value is in Vault and verified: no file was rewritten"
        return report
    configured = apply_config(vault, prepared.ctx, prepared.values, kubernetes=kube)
    for o in configured:
        journal.record_config({"kind": o.kind, "name": o.name, "status": o.status, "reason": o.reason})
    report["config"] = [{"kind": o.kind, "name": o.name, "status": o.status, "reason": o.reason} for o in configured]
    if not all(o.ok for o in configured):
        journal.set_state("config-incomplete")
        report["stopped"] = "Vault's configuration is incomplete: no file was rewritten"
        return report
    journal.set_state("files")

    def on_file(change: Any, outcome: Any, kept: dict[str, str]) -> None:
        journal.record_file({"path": change.path, "kind": change.kind, "before_sha256": change.before_sha256,
                             "after_sha256": outcome.after_sha256, "kept": kept, "deleted": change.delete,
                             "untracked": change.untrack})  # fmt: skip

    files = apply_changes(root, changes.changes, write=True, keeper=JournalKeeper(root), on_written=on_file)
    report["files"] = [{"path": o.path, "kind": o.kind, "status": o.status, "reason": o.reason} for o in files]
    report["manual"] = [{"path": m.path, "reason": m.reason} for m in changes.manual]
    files_ok = all(o.status in ("changed", "applied") for o in files)
    report["complete"] = files_ok and not changes.manual
    if not files_ok:
        report["stopped"] = "some files were not rewritten (see each file's reason)"
    journal.set_state("complete" if files_ok else "files-incomplete")
    return report


def kubernetes_auth(host: str | None, ca_cert: Path | None) -> Any:
    from secretscan.apply.vault_apply import KubernetesAuth

    if host is None and ca_cert is None:
        return None
    if host is None or ca_cert is None:
        raise UsageError("--kubernetes-host and --kubernetes-ca-cert go together")
    try:
        pem = ca_cert.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {ca_cert}: {exc}") from None
    return KubernetesAuth(host, pem)


def _kv_dict(o: Any) -> dict[str, Any]:
    return {
        "fingerprint": o.fingerprint,
        "path": o.path,
        "key": o.key,
        "status": o.status,
        "version": o.version,
        "reason": o.reason,
    }


def do_rollback(journal: Any, fmt: str) -> int:
    from secretscan.apply.journal import rollback

    if journal is None:
        raise UsageError("nothing to roll back: no migration journal for this folder")
    restored = rollback(journal)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"rollback": [{"path": r.path, "status": r.status, "reason": r.reason} for r in restored]}, indent=2
            )
        )
    else:
        for r in restored:
            why = f": {r.reason}" if r.reason else ""
            click.echo(f"secretscan: {r.status}: {r.path}{why}", err=True)
        click.echo(
            "secretscan: values written to Vault are left there (delete them with `vault kv metadata delete` if wanted)",
            err=True,
        )
    return EXIT_CLEAN if all(r.status == "restored" for r in restored) else EXIT_FINDINGS


def emit(report: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
        return
    for o in report["vault"]:
        why = f": {o['reason']}" if o["reason"] else ""
        version = f" (v{o['version']})" if o.get("version") else ""
        click.echo(f"secretscan: vault {o['status']}: {o['path']}#{o['key']}{version}{why}", err=True)
    for o in report["config"]:
        why = f": {o['reason']}" if o["reason"] else ""
        click.echo(f"secretscan: vault {o['kind']} {o['status']}: {o['name']}{why}", err=True)
    for o in report["files"]:
        why = f": {o['reason']}" if o["reason"] else ""
        click.echo(f"secretscan: file {o['status']}: {o['path']} ({o['kind']}){why}", err=True)
    for m in report["manual"]:
        click.echo(f"secretscan: manual: {m['path']}: {m['reason']}", err=True)
    if report.get("stopped"):
        click.echo(f"secretscan: stopped: {report['stopped']}; fix the cause and run again with --resume", err=True)
    elif report["complete"]:
        click.echo(
            "secretscan: migration complete: every value is in Vault and verified, every file references it", err=True
        )
    else:
        click.echo("secretscan: migration done, except the manual changes listed", err=True)
