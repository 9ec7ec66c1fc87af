"""Commands that put a value into the chosen backend, for every backend, and the one script
they share to take the value from a silent prompt or a file: a value is never an argument.
"""

from __future__ import annotations

from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions
from secretscan.remediation.naming import kv_relative

STDIN_SCRIPT = "bin/stdin-secret.sh"


def generate(ctx: PlanContext) -> list[Artefact]:
    return [stdin_script()]


def store_commands(s: PlannedSecret, options: PlanOptions) -> tuple[str, ...]:
    """Create the secret's place in the backend (if needed) and store the new value from stdin."""
    if s.dynamic:
        return ()
    name = s.backend_path
    if options.backend is Backend.VAULT:
        return (f"{STDIN_SCRIPT} vault kv put -mount=secret {kv_relative(name)} {s.backend_key}=-",)
    if options.backend is Backend.AWS:
        return (
            f"aws secretsmanager describe-secret --secret-id {name} >/dev/null 2>&1 || aws secretsmanager create-secret --name {name} "
            f'--description "{s.service}: {s.env_var} (secretscan plan)" --tags Key=owner,Value={s.service} Key=rotation_days,Value={s.rotation_days}',
            f"{STDIN_SCRIPT} aws secretsmanager put-secret-value --secret-id {name} --secret-string file:///dev/stdin",
        )
    if options.backend is Backend.AZURE:
        return (
            f'{STDIN_SCRIPT} az keyvault secret set --vault-name "$AZURE_KEYVAULT" --name {name} --file /dev/stdin '
            f"--tags owner={s.service} rotation_days={s.rotation_days}",
        )
    return (
        f"gcloud secrets describe {name} >/dev/null 2>&1 || gcloud secrets create {name} --replication-policy=automatic "
        f"--labels=owner={s.service},rotation-days={s.rotation_days}",
        f"{STDIN_SCRIPT} gcloud secrets versions add {name} --data-file=-",
    )


def stdin_script() -> Artefact:
    text = """#!/usr/bin/env bash
# secretscan plan: run a command that reads a secret value from its standard input, feeding it
# the value from a silent prompt (on a terminal) or from this script's standard input (a file or
# a pipe), so the value never appears on a command line, in shell history or in `ps`.
#   bin/stdin-secret.sh vault kv put -mount=secret prod/api/db-password value=-
#   bin/stdin-secret.sh vault kv put -mount=secret prod/api/tls-key value=- < new-key.pem
# From a terminal the value is one line, typed or pasted, not echoed; a file or a pipe is passed
# through unchanged (write such a file with printf '%s' to avoid a trailing newline).
# `vault` runs $VAULT_CLI when set (VAULT_CLI=bao for OpenBao).
set -euo pipefail
if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND... (the command reads the value from its standard input)" >&2
    exit 2
fi
vault() { command "${VAULT_CLI:-vault}" "$@"; }
if [ -t 0 ]; then
    IFS= read -r -s -p "value (not echoed): " value
    echo >&2
    if [ -z "$value" ]; then
        echo "empty value: nothing stored" >&2
        exit 1
    fi
    printf '%s' "$value" | "$@"
    unset value
else
    "$@"
fi
"""
    return Artefact(
        STDIN_SCRIPT,
        text,
        "script",
        "feeds a secret to a command's stdin from a silent prompt or a file, never an argument",
    )
