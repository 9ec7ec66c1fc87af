"""The GitOps alternative to External Secrets Operator: keep the secrets in git, encrypted with
SOPS for age recipients, decrypted only in the cluster (Flux's SOPS decryption, Argo CD with
KSOPS or helm-secrets).

Writes a ``.sops.yaml`` (to put at the repository root) whose creation rules name exactly the
files that hold secrets: Kubernetes Secret manifests (only ``data``/``stringData`` encrypted, so
names and types stay reviewable), Helm values files (secret-named keys), ``.env`` files (every
value); and the script that encrypts each file in place and checks it decrypts.

A manifest file that holds anything besides Secrets (an env literal, an argument, a ConfigMap
key) cannot be encrypted as is: its values first move to Secrets (``k8s_patch`` writes the file
without them), and each of those Secrets gets a manifest of its own here (``secrets/<ns>/<name>.yaml``,
empty values, the same names the patched workloads read) to encrypt, then fill with ``sops edit``.

The age recipients are the team's public keys (``age1...``), which the plan cannot know: they are
passed in, else a placeholder is written that ``sops`` refuses, so nothing is encrypted for nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from secretscan.remediation.artefact_places import SecretKeyPlace, k8s_place, live_locations
from secretscan.remediation.artefact_render import comment, shell_script, yaml_doc, yaml_docs
from secretscan.remediation.eso import Wanted, external_secrets_wanted
from secretscan.remediation.model import Artefact, PlanContext

OUT = "gitops"
AGE_PLACEHOLDER = "age1-REPLACE-WITH-THE-TEAM-AGE-PUBLIC-KEYS"
K8S_SECRET_REGEX = "^(data|stringData)$"
VALUES_REGEX = "(?i)(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential|auth)"
_RULES = (
    # (storages, encrypted_regex or None (every value), what)
    (("kubernetes-secret",), K8S_SECRET_REGEX, "Kubernetes Secret manifests: data and stringData only"),
    (("helm-values",), VALUES_REGEX, "Helm values files: keys named like secrets"),
    (("dotenv",), None, ".env files: every value"),
)


def generate(ctx: PlanContext, recipients: Sequence[str] = ()) -> list[Artefact]:
    files, mixed = files_by_rule(ctx)
    skeletons = secret_skeletons(ctx, mixed)
    files[0] = sorted(files[0] + [path for path, _ in skeletons])
    if not any(files):
        return []
    keys = list(recipients) or [AGE_PLACEHOLDER]
    listed = {p for group in files for p in group} | set(mixed)
    fps = tuple(ps.fingerprint for ps in ctx.secrets if any(loc.get("path") in listed for loc in live_locations(ps)))
    out = [config_artefact(files, keys, fps), script_artefact(files, {p for p, _ in skeletons}, mixed, fps)]
    out += [Artefact(f"{OUT}/{path}", content, "sops-secret-manifest", f"Secret manifest to encrypt: {path}") for path, content in skeletons]
    return out


def files_by_rule(ctx: PlanContext) -> tuple[list[list[str]], list[str]]:
    """For each rule, the files that hold a secret of its storage (a file goes to the first
    rule); and the manifest files holding values outside Secrets (not encrypted as is: replaced
    by their patched version, whose references point to the new Secret manifests)."""
    out: list[list[str]] = [[] for _ in _RULES]
    taken: set[str] = set()
    located = [(str(loc.get("path")), loc) for ps in ctx.secrets for loc in live_locations(ps)]
    others = {path for path, loc in located if loc.get("storage") != "kubernetes-secret"}
    with_secrets = {path for path, loc in located if isinstance(k8s_place(loc), SecretKeyPlace)}
    workload_values = {path for path, loc in located if k8s_place(loc) is not None and path not in with_secrets}
    mixed = sorted((with_secrets & others) | workload_values)  # rewritten: the patched file
    for i, (storages, _, _) in enumerate(_RULES):
        for ps in ctx.secrets:
            for loc in live_locations(ps):
                path = str(loc.get("path", ""))
                if loc.get("storage") in storages and path and path not in taken and path not in mixed:
                    taken.add(path)
                    out[i].append(path)
        out[i].sort()
    return out, mixed


def secret_skeletons(ctx: PlanContext, mixed: list[str]) -> list[tuple[str, str]]:
    """(repository path, manifest) of a Secret per value that cannot be encrypted where it is:
    the Secrets of mixed files, and those the patched workloads now read."""
    out = []
    for w in external_secrets_wanted(ctx):
        if w.generator is not None or in_pure_file(w, ctx, mixed):
            continue
        out.append((f"secrets/{w.namespace}/{w.name}.yaml", skeleton(w)))
    return out


def in_pure_file(w: Wanted, ctx: PlanContext, mixed: list[str]) -> bool:
    """A committed Secret of a file holding only Secrets: encrypted where it is."""
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            place = k8s_place(loc)
            if isinstance(place, SecretKeyPlace) and (place.obj.namespace, place.obj.name) == (w.namespace, w.name):
                return place.path not in mixed
    return False


def skeleton(w: Wanted) -> str:
    doc = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": w.name, "namespace": w.namespace},
        "type": w.secret_type or "Opaque",
        "stringData": {key: "" for key in w.entries},
    }
    header = [
        f"Secret {w.namespace}/{w.name}: replaces {w.origin}.",
        "Encrypt it (sops --encrypt --in-place), then fill each value with `sops edit` (never on a command line).",
    ]
    if w.template_data:
        header.append(f"Its {', '.join(w.template_data)} is rebuilt from these registry credentials: see the ExternalSecret's template.")
    return yaml_docs([doc], header)


def path_regex(paths: Sequence[str]) -> str:
    """Exactly these files, whether sops is given them relative to the root or as absolute paths."""
    return "(^|/)(" + "|".join(re.escape(p) for p in paths) + ")$"


def sops_config(files: list[list[str]], recipients: Sequence[str]) -> dict[str, object]:
    rules = []
    for (_, regex, _), paths in zip(_RULES, files, strict=True):
        if not paths:
            continue
        rule: dict[str, object] = {"path_regex": path_regex(paths)}
        if regex is not None:
            rule["encrypted_regex"] = regex
        rule["age"] = ",".join(recipients)
        rules.append(rule)
    return {"creation_rules": rules}


def config_artefact(files: list[list[str]], recipients: Sequence[str], fps: tuple[str, ...]) -> Artefact:
    header = [
        "SOPS creation rules for the files secretscan found secrets in: put this file at the repository root.",
        *[f"Rule {i + 1}: {what}." for i, (_, _, what) in enumerate(r for r, p in zip(_RULES, files) if p)],
    ]
    if AGE_PLACEHOLDER in recipients:
        header.append("Replace the age placeholder with the team's public keys (age-keygen -y key.txt), comma-separated.")
    return Artefact(
        path=f"{OUT}/.sops.yaml",
        content=comment(header) + yaml_doc(sops_config(files, recipients)),
        kind="sops-config",
        description="SOPS creation rules (age) for every file holding a secret: the GitOps alternative to ESO",
        fingerprints=fps,
    )


def quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def script_artefact(files: list[list[str]], skeletons: set[str], mixed: list[str], fps: tuple[str, ...]) -> Artefact:
    lines = ['PLAN="${PLAN:-./plan}"  # the plan folder', 'cp -- "$PLAN/gitops/.sops.yaml" .sops.yaml', ""]
    for path in mixed:
        lines.append(f'cp -- "$PLAN/kubernetes/patched/{path}" {quote(path)}  # its values now live in the Secrets below')
    for folder in sorted({path.rsplit("/", 1)[0] for path in skeletons}):
        lines.append(f"mkdir -p {quote(folder)}")
    for path in sorted(skeletons):
        lines.append(f'cp -- "$PLAN/gitops/{path}" {quote(path)}')
    lines.append("")
    for path in sorted(p for group in files for p in group):
        lines += [f"sops --encrypt --in-place {quote(path)}", f"sops --decrypt {quote(path)} >/dev/null  # needs the private key: proves it decrypts"]
    for path in sorted(skeletons):
        lines.append(f"sops edit {quote(path)}  # type each value into the editor: sops re-encrypts on save")
    lines += ["", "git add .sops.yaml " + " ".join(quote(p) for p in sorted({*mixed, *(p for g in files for p in g)}))]
    header = [
        "Encrypts, in place, every file of .sops.yaml's rules; run it from the repository root.",
        "Decryption needs an age private key: SOPS_AGE_KEY_FILE=key.txt (keep key.txt out of git).",
        "In the cluster: Flux (spec.decryption.provider: sops, a Secret holding the age key) or Argo CD with KSOPS.",
        "Encrypting the tip does not remove the old plaintext from history: rotate every value, then purge.",
    ]
    return Artefact(
        path=f"{OUT}/encrypt-with-sops.sh",
        content=shell_script(lines, header),
        kind="sops-encrypt",
        description="the sops commands that encrypt each file holding a secret, and check each decrypts",
        fingerprints=fps,
    )
