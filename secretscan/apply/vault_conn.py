"""How secretscan reaches Vault (or OpenBao): address, token (``VAULT_TOKEN`` or a file), TLS
and namespace, as the Vault CLI takes them. A client that cannot reach the server or is refused
raises a one-line ``VaultError`` naming the address, never a traceback."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secretscan.errors import EXIT_USAGE, SecretscanError, UsageError


class VaultError(SecretscanError):
    """Vault unreachable, refused, or answering something unexpected."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True, slots=True)
class VaultConn:
    addr: str
    token: str = field(repr=False)
    namespace: str | None = None
    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    tls_verify: bool = True
    timeout: float = 10.0


def connection(
    addr: str | None,
    token_file: Path | None = None,
    namespace: str | None = None,
    ca_cert: str | None = None,
    client_cert: str | None = None,
    client_key: str | None = None,
    tls_skip_verify: bool = False,
    env: dict[str, str] | None = None,
) -> VaultConn:
    """The connection from options, falling back to VAULT_ADDR / VAULT_TOKEN / VAULT_NAMESPACE /
    VAULT_CACERT like the Vault CLI. A missing address or token is a one-line usage error."""
    env = dict(os.environ) if env is None else env
    addr = addr or env.get("VAULT_ADDR")
    if not addr:
        raise UsageError("no Vault address: give --vault-addr URL or set VAULT_ADDR")
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read the token file {token_file}: {exc.strerror}") from None
    else:
        token = env.get("VAULT_TOKEN", "").strip()
    if not token:
        raise UsageError("no Vault token: set VAULT_TOKEN or give --token-file FILE")
    return VaultConn(
        addr=addr.rstrip("/"),
        token=token,
        namespace=namespace or env.get("VAULT_NAMESPACE") or None,
        ca_cert=ca_cert or env.get("VAULT_CACERT") or None,
        client_cert=client_cert,
        client_key=client_key,
        tls_verify=not tls_skip_verify,
    )


def client(conn: VaultConn) -> Any:
    """An authenticated hvac client (the token is checked with a self-lookup)."""
    import hvac
    import requests

    verify: bool | str = conn.ca_cert if (conn.tls_verify and conn.ca_cert) else conn.tls_verify
    cert = (conn.client_cert, conn.client_key) if conn.client_cert and conn.client_key else None
    c = hvac.Client(
        url=conn.addr, token=conn.token, namespace=conn.namespace, verify=verify, cert=cert, timeout=conn.timeout
    )
    try:
        c.auth.token.lookup_self()
    except hvac.exceptions.Forbidden:
        raise VaultError(f"Vault at {conn.addr} refused the token (permission denied)") from None
    except hvac.exceptions.VaultError as exc:
        raise VaultError(f"Vault at {conn.addr}: {one_line(exc)}") from None
    except requests.exceptions.RequestException as exc:
        raise VaultError(f"cannot reach Vault at {conn.addr}: {type(exc).__name__}") from None
    return c


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "…") if len(text) > 200 else (text or type(exc).__name__)
