"""Integration snippets: reading a secret from the plan's backend in Python, Go, Node.js and
Java, each with retries (exponential backoff with jitter on transient failures) and a cache
(a TTL for stored values, two thirds of the lease for dynamic credentials).

The snippets are templates with the plan's first secret as the example; snippets/README.md maps
every secret to the path and key to read.
"""

from __future__ import annotations

from collections.abc import Sequence

from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions, Target
from secretscan.remediation.naming import kv_relative
from secretscan.remediation.snippet_texts import TEXTS

FILES = {"python": "secrets_client.py", "go": "secrets.go", "node": "secrets.js", "java": "SecretsClient.java"}


def generate(ctx: PlanContext) -> list[Artefact]:
    live = [s for s in ctx.secrets if s.exposure != "history_only"]
    if not live:
        return []
    example = next((s for s in live if not s.dynamic), live[0])
    values = placeholders(example, ctx.options)
    out = [readme(live, ctx.options)]
    for lang, filename in FILES.items():
        text = TEXTS[(ctx.options.backend, lang)]
        for key, value in values.items():
            text = text.replace(key, value)
        out.append(
            Artefact(
                f"snippets/{lang}/{filename}",
                text,
                "snippet",
                f"{lang}: read a secret from {ctx.options.backend.value} with retry and caching",
            )
        )
    return out


def placeholders(s: PlannedSecret, options: PlanOptions) -> dict[str, str]:
    path = kv_relative(s.backend_path) if options.backend is Backend.VAULT else s.backend_path
    return {
        "__PATH__": path,
        "__KEY__": s.backend_key or "value",
        "__ROLE__": f"{options.environment}-{s.service}",
        "__ENV_VAR__": s.env_var,
        "__AUTH__": "approle" if options.target is Target.APPLICATION else "kubernetes",
    }


def read_target(s: PlannedSecret, options: PlanOptions) -> str:
    if s.dynamic and s.dynamic_path:
        return f"`{s.dynamic_path}` (dynamic: username and password per lease)"
    if options.backend is Backend.VAULT:
        return f"`{kv_relative(s.backend_path)}` key `{s.backend_key}` (mount `secret`)"
    return f"`{s.backend_path}`"


def readme(live: Sequence[PlannedSecret], options: PlanOptions) -> Artefact:
    lines = [
        f"# Reading secrets from {options.backend.value}",
        "",
        "Each folder holds a small client with retries (exponential backoff with jitter on network errors and 5xx answers) and a cache "
        "(stored values: 5 minutes; dynamic credentials: two thirds of their lease), written for the first secret below. "
        "Prefer injection where the platform offers it (External Secrets into env vars, Vault Agent templates): "
        "a client in the application is for values that must be re-read without a restart.",
        "",
        "| service | variable | read from |",
        "|---|---|---|",
        *[f"| {s.service} | `{s.env_var}` | {read_target(s, options)} |" for s in live],
        "",
    ]
    return Artefact(
        "snippets/README.md",
        "\n".join(lines),
        "snippet-index",
        "which path each service reads, and the client snippets",
    )
