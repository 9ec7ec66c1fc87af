"""Spring configuration without secrets: each secret property is rewritten to a placeholder
(``spring.datasource.password=${SPRING_DATASOURCE_PASSWORD}``, the name Spring Boot's relaxed
binding also reads; a ``${NAME:default}`` loses its default), and the plan says where the value
comes from instead, per service:

* an ESO-synced environment variable: the Secret ``<service>-env`` (see ``eso``), read with
  ``envFrom`` (the Kubernetes route);
* a Vault Agent in process-supervisor mode: it logs in as the service, renders each variable
  from Vault and starts the application with them (``env_template`` + ``exec``);
* Spring Cloud Vault: a ``vault`` profile importing each secret's path (Vault only); for a cloud
  backend, its Spring Cloud integration reads the same names.

A value whose exact place cannot be told (a property split oddly over lines) leaves that file to
a person: it is listed, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from secretscan.remediation.artefact_names import (
    SITE,
    Site,
    app_env_secret_name,
    k8s_namespace,
    kv_mount_and_key,
    profile_rank,
    remote_name,
    spring_env_name,
    vault_k8s_role,
)
from secretscan.remediation.artefact_places import (
    apply_edits,
    line_starts,
    live_locations,
    offset_of,
    preview_fits,
    read_source,
    secret_span,
)
from secretscan.remediation.artefact_render import comment, yaml_doc
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions

OUT = "application"
_PLACEHOLDER_OPEN = re.compile(r"\$\{(?P<name>[A-Za-z0-9_.\-]+):$")
_CONTINUATION = re.compile(r"\\\r?\n[ \t]*")


@dataclass
class FileRewrite:
    path: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)
    envs: dict[str, PlannedSecret] = field(default_factory=dict)  # env var -> secret
    manual: list[str] = field(default_factory=list)


def generate(ctx: PlanContext, site: Site = SITE) -> list[Artefact]:
    by_file = findings_by_file(ctx)
    if not by_file:
        return []
    out: list[Artefact] = []
    services: dict[str, dict[str, PlannedSecret]] = {}
    for path in sorted(by_file):
        rewrite = rewrite_file(ctx, path, by_file[path])
        out.append(file_artefact(ctx, rewrite, by_file[path]))
        for env, ps in rewrite.envs.items():
            current = services.setdefault(ps.service, {}).get(env)
            if current is None or profile_rank(ps, env, ctx.options.environment) < profile_rank(current, env, ctx.options.environment):
                services[ps.service][env] = ps
    for service, envs in sorted(services.items()):
        out += value_sources(service, envs, ctx.options, site)
    return out


def findings_by_file(ctx: PlanContext) -> dict[str, list[tuple[PlannedSecret, Mapping[str, Any]]]]:
    """Each Spring configuration file's live findings, with the location that names each."""
    by_file: dict[str, list[tuple[PlannedSecret, Mapping[str, Any]]]] = {}
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            if loc.get("storage") == "spring-config" and loc.get("locator"):
                by_file.setdefault(str(loc["path"]), []).append((ps, loc))
    return by_file


def rewrite_file(ctx: PlanContext, path: str, found: list[tuple[PlannedSecret, Mapping[str, Any]]]) -> FileRewrite:
    text = read_source(ctx, path)
    if text is None:
        rewrite = FileRewrite(path)
        rewrite.manual.append("the plan has no access to the scanned file")
        return rewrite
    return rewrite_text(ctx, path, text, found)


def rewrite_text(
    ctx: PlanContext, path: str, text: str, found: list[tuple[PlannedSecret, Mapping[str, Any]]]
) -> FileRewrite:
    """``rewrite_file`` of the file's text, already read."""
    rewrite = FileRewrite(path)
    starts = line_starts(text)
    for ps, loc in found:
        edit = placeholder_edit(text, starts, loc, ps.preview, path.endswith(".properties"))
        if edit is None:
            rewrite.manual.append(f"line {loc.get('line')}: {loc.get('locator')}: the value cannot be located exactly")
            continue
        rewrite.edits.append(edit[:3])
        env = edit[3]
        if env not in rewrite.envs or profile_rank(ps, env, ctx.options.environment) < profile_rank(rewrite.envs[env], env, ctx.options.environment):
            rewrite.envs[env] = ps  # the value of the plan's environment (its profile, else the default)
    return rewrite


def placeholder_edit(
    text: str, starts: list[int], loc: Mapping[str, Any], preview: str, properties: bool
) -> tuple[int, int, str, str] | None:
    """(start, end, replacement, env var) turning the value into a placeholder."""
    env = spring_env_name(str(loc.get("locator", "")))
    span = value_span(text, starts, loc, preview, properties)
    if span is None:
        return None
    start, end = span
    line_start = starts[int(loc.get("line", 1)) - 1]
    opened = _PLACEHOLDER_OPEN.search(text[line_start:start])
    if opened and text[end : end + 1] == "}":
        return start - 1, end, "", opened.group("name")  # ${NAME:default} -> ${NAME}
    return start, end, "${" + env + "}", env


def value_span(text: str, starts: list[int], loc: Mapping[str, Any], preview: str, properties: bool) -> tuple[int, int] | None:
    """The characters of the value as written (a .properties value may continue over lines)."""
    span = secret_span(text, starts, loc, preview)
    if span is None and properties:
        span = continued_value(text, starts, loc, preview)
    return span


def continued_value(text: str, starts: list[int], loc: Mapping[str, Any], preview: str) -> tuple[int, int] | None:
    """A .properties value continued over lines (``\\`` at line ends) up to ``end_line``."""
    line, end_line = int(loc.get("line", 0)), int(loc.get("end_line", 0))
    start = offset_of(text, starts, line, int(loc.get("column", 0)))
    if start is None or end_line <= line or end_line > len(starts):
        return None
    end = starts[end_line] - 1 if end_line < len(starts) else len(text)
    end = len(text[:end].rstrip("\r\n \t"))
    logical = _CONTINUATION.sub("", text[start:end])
    return (start, end) if preview_fits(logical, preview) else None


def file_artefact(ctx: PlanContext, rewrite: FileRewrite, found: list[tuple[PlannedSecret, Mapping[str, Any]]]) -> Artefact:
    fps = tuple(dict.fromkeys(ps.fingerprint for ps, _ in found))
    if rewrite.manual:
        lines = [f"{rewrite.path}: edit by hand, the plan could not take every value out safely:"] + [f"- {m}" for m in rewrite.manual]
        return Artefact(f"{OUT}/{rewrite.path}.MANUAL.txt", "\n".join(lines) + "\n", "spring-manual", f"{rewrite.path}: manual changes", fps)
    text = read_source(ctx, rewrite.path) or ""
    names = ", ".join(f"${{{env}}}" for env in sorted(rewrite.envs))
    return Artefact(
        path=f"{OUT}/{rewrite.path}",
        content=apply_edits(text, rewrite.edits),
        kind="spring-config",
        description=f"{rewrite.path} with placeholders ({names})",
        fingerprints=fps,
    )


# ---------------------------------------------------------------- where each value comes from


def value_sources(service: str, envs: dict[str, PlannedSecret], options: PlanOptions, site: Site) -> list[Artefact]:
    fps = tuple(dict.fromkeys(ps.fingerprint for ps in envs.values()))
    base = f"{OUT}/{service}"
    out = [eso_snippet(service, envs, options, fps)]
    if options.backend is Backend.VAULT:
        out += [vault_agent(service, envs, options, site, fps), spring_cloud_vault(service, envs, options, site, fps)]
    else:
        out.append(spring_cloud_provider(service, envs, options, site, fps))
    lines = [f"# Where the values of {service} come from", ""]
    lines += [f"- `${{{env}}}`: {options.backend.value} `{remote_name(ps, options.backend)}`" for env, ps in sorted(envs.items())]
    lines += ["", "Pick one way to deliver them:", ""] + [f"- `{a.path.removeprefix(base + '/')}`: {a.description}" for a in out]
    out.append(Artefact(f"{base}/README.md", "\n".join(lines) + "\n", "spring-value-sources", f"where {service}'s values come from", fps))
    return out


def eso_snippet(service: str, envs: dict[str, PlannedSecret], options: PlanOptions, fps: tuple[str, ...]) -> Artefact:
    ps = next(iter(envs.values()))
    container = {"name": service, "envFrom": [{"secretRef": {"name": app_env_secret_name(service)}}]}
    header = [
        f"Kubernetes: the ExternalSecret {k8s_namespace(ps, options)}/{app_env_secret_name(service)} keeps a Secret whose keys are",
        f"{', '.join(sorted(envs))}; add this to {service}'s container so Spring reads them from the environment.",
    ]
    return Artefact(
        f"{OUT}/{service}/kubernetes-envfrom.yaml",
        comment(header) + yaml_doc({"containers": [container]}),
        "spring-value-source",
        "ESO-synced environment variables (envFrom the Secret External Secrets Operator keeps)",
        fps,
    )


def hcl_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def vault_agent(service: str, envs: dict[str, PlannedSecret], options: PlanOptions, site: Site, fps: tuple[str, ...]) -> Artefact:
    role = vault_k8s_role(service, options)
    blocks = [
        (
            "# Vault Agent as the container's entrypoint: it logs in as the service, renders each\n"
            "# variable from Vault and runs the application with them, restarting it when a value changes."
        ),
        f'vault {{\n  address = {hcl_string(site.vault_addr)}\n}}',
        (
            "auto_auth {\n  method \"kubernetes\" {\n"
            f"    mount_path = {hcl_string('auth/' + site.vault_k8s_auth_mount)}\n"
            f"    config = {{\n      role = {hcl_string(role)}\n    }}\n  }}\n}}"
        ),
    ]
    for env, ps in sorted(envs.items()):
        mount, key = kv_mount_and_key(ps)
        contents = f'{{{{ with secret "{mount}/data/{key}" }}}}{{{{ .Data.data.{ps.backend_key} }}}}{{{{ end }}}}'
        blocks.append(f"env_template {hcl_string(env)} {{\n  contents = {hcl_string(contents)}\n  error_on_missing_key = true\n}}")
    blocks.append(
        'exec {\n  command = ["java", "-jar", "/app/app.jar"]\n  restart_on_secret_changes = "always"\n'
        '  restart_stop_signal = "SIGTERM"\n}'
    )
    return Artefact(
        f"{OUT}/{service}/vault-agent.hcl",
        "\n\n".join(blocks) + "\n",
        "spring-value-source",
        f"Vault Agent (process supervisor): logs in with Kubernetes auth role {role} and starts the app with each variable",
        fps,
    )


def spring_cloud_vault(service: str, envs: dict[str, PlannedSecret], options: PlanOptions, site: Site, fps: tuple[str, ...]) -> Artefact:
    imports, aliases = [], {}
    for env, ps in sorted(envs.items()):
        mount, key = kv_mount_and_key(ps)
        prefix = f"secretscan.{ps.service}.{ps.name}."
        imports.append(f"vault://{mount}/{key}?prefix={prefix}")
        aliases[env] = "${" + prefix + ps.backend_key + "}"
    doc = {
        "spring": {
            "config": {"import": imports},
            "cloud": {
                "vault": {
                    "uri": site.vault_addr,
                    "authentication": "KUBERNETES",
                    "kubernetes": {"role": vault_k8s_role(service, options), "kubernetes-path": site.vault_k8s_auth_mount},
                    "kv": {"enabled": True, "backend": kv_mount_and_key(next(iter(envs.values())))[0]},
                }
            },
        },
        **aliases,
    }
    header = [
        "Spring Cloud Vault (spring-cloud-starter-vault-config): activate with SPRING_PROFILES_ACTIVE=vault.",
        "Each secret's path is imported under a prefix; the placeholders the configuration now holds are defined from them.",
    ]
    return Artefact(
        f"{OUT}/{service}/application-vault.yml",
        comment(header) + yaml_doc(doc),
        "spring-value-source",
        "Spring Cloud Vault: a `vault` profile importing each secret's path",
        fps,
    )


def spring_cloud_provider(service: str, envs: dict[str, PlannedSecret], options: PlanOptions, site: Site, fps: tuple[str, ...]) -> Artefact:
    backend = options.backend
    if backend is Backend.AWS:
        doc: dict[str, Any] = {"spring": {"config": {"import": [f"aws-secretsmanager:{remote_name(ps, backend)}" for ps in envs.values()]}}}
        what = "Spring Cloud AWS (spring-cloud-aws-starter-secrets-manager)"
    elif backend is Backend.GCP:
        doc = {"spring": {"config": {"import": "sm://"}}, **{env: f"${{sm@{remote_name(ps, backend)}}}" for env, ps in sorted(envs.items())}}
        what = "Spring Cloud GCP (spring-cloud-gcp-starter-secretmanager)"
    else:
        endpoint = f"https://{site.azure_vault(options)}.vault.azure.net/"
        doc = {
            "spring": {"cloud": {"azure": {"keyvault": {"secret": {"property-source-enabled": True, "property-sources": [{"endpoint": endpoint}]}}}}},
            **{env: "${" + remote_name(ps, backend) + "}" for env, ps in sorted(envs.items())},
        }
        what = "Spring Cloud Azure (spring-cloud-azure-starter-keyvault-secrets)"
    return Artefact(
        f"{OUT}/{service}/application-{backend.value}.yml",
        comment([f"{what}: activate with SPRING_PROFILES_ACTIVE={backend.value}."]) + yaml_doc(doc),
        "spring-value-source",
        f"{what}: the placeholders read from {backend.value}",
        fps,
    )
