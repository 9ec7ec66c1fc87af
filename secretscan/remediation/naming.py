"""Names a plan gives a secret (planner helper's module): its service, its name within the
service, the environment variable an application reads it from, and where it lives in each
backend.

Everything is derived from what the inventory's locations say about the key that held the
value (``env=DB_PASSWORD``, ``key=password``, ``spring.datasource.password``, ``ARG NPM_TOKEN``),
never from the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from secretscan.inventory.build import service_of
from secretscan.remediation.model import Backend

# A Kubernetes object (or Kustomize generator) locator: Kind/namespace/name, then details.
_OBJECT = re.compile(r"^(?P<kind>[A-Za-z]+)/(?P<ns>[^/\s]+)/(?P<name>[^\s]+)(?:\s+(?P<rest>.*))?$")
_COMPOSE_SERVICE = re.compile(r"^service=(?P<name>\S+)(?:\s+(?P<rest>.*))?$")
_PROFILE = re.compile(r"\s*\[profile=[^\]]*\]")
_LANG = re.compile(r"^[a-z+#]+:\s+")
_PAREN_NAME = re.compile(r"\(([A-Za-z_][A-Za-z0-9_.-]*)\)\s*$")
_KWARG = re.compile(r"\(([A-Za-z_][A-Za-z0-9_]*)=\)")
_TOKEN_KV = re.compile(r"^(container|stage|service|registry|user|login|host|machine|profile)=")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_GENERIC_WORDS = frozenset({"value", "default", "literals", "args", "command"})
_DOCKERFILE_WORDS = frozenset({"ARG", "ENV", "LABEL", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_FILE_KEY_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".crt", ".cer", ".ppk")
MAX_SLUG = 48


@dataclass(frozen=True, slots=True)
class KeyName:
    """What a location says about the key that held a value."""

    name: str | None  # the key as written (DB_PASSWORD, spring.datasource.password), None if nothing names it
    service: str | None  # a service named by the location itself (workload, Secret, compose service)
    namespace: str | None  # a Kubernetes namespace, when the location is a Kubernetes object
    style: str  # env | spring | terraform: how an application maps it to an environment variable


def slug(text: str, limit: int = MAX_SLUG) -> str:
    """Lowercase letters, digits and single hyphens (camelCase split)."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s[:limit].rstrip("-")


def key_name(loc: Mapping[str, Any]) -> KeyName:
    """The key, service and namespace a location names (any of them may be unknown)."""
    locator = str(loc.get("locator") or loc.get("key_path") or "")
    locator = _PROFILE.sub("", locator).strip()
    storage = str(loc.get("storage", ""))
    service = namespace = None
    m = _OBJECT.match(locator)
    if m:
        service, namespace, locator = _object_service(m.group("name")), m.group("ns"), m.group("rest") or ""
    else:
        c = _COMPOSE_SERVICE.match(locator)
        if c:
            service, locator = c.group("name"), c.group("rest") or ""
    name = _name_from(locator)
    if name is None and storage in ("plain-file", "dockerfile-copy") and not locator:
        stem = PurePosixPath(str(loc.get("path", ""))).name
        name = stem if _is_key_file(stem) else None
    return KeyName(name, service, namespace, _style(storage, locator))


def _object_service(name: str) -> str | None:
    return None if "{{" in name else name  # a Helm template expression names nothing yet


def _is_key_file(filename: str) -> bool:
    low = filename.lower()
    return low.startswith("id_") or low.endswith(_FILE_KEY_SUFFIXES)


def _style(storage: str, locator: str) -> str:
    if storage == "spring-config":
        return "spring"
    if storage == "terraform" and locator.startswith(("var.", "variable.")):
        return "terraform"
    return "env"


def _name_from(locator: str) -> str | None:
    text = _LANG.sub("", locator.strip())
    if not text:
        return None
    paren = _PAREN_NAME.search(text)
    if paren:
        return paren.group(1)
    kwarg = _KWARG.search(text)
    if kwarg:
        return kwarg.group(1)
    words = [w for w in text.split() if not _TOKEN_KV.match(w) and w not in _DOCKERFILE_WORDS]
    for w in words:
        if w.startswith(("env=", "key=")):
            nested = [x for x in words[words.index(w) + 1 :] if "=" not in x]
            return _clean(nested[-1]) if nested else _clean(w.split("=", 1)[1])
    return _clean(words[-1]) if words else None


def _clean(word: str) -> str | None:
    word = re.sub(r"\[[\"']([^\]\"']+)[\"']\]", r".\1", word)  # environ["X"] -> environ.X
    word = re.sub(r"\(\)|\[\d+\]|\$|^(this|self)\.", "", word).strip("=:/.")
    word = re.split(r"[/:]", word)[-1]
    if word.startswith(("var.", "variable.")):
        word = word.split(".", 1)[1].removesuffix(".default")
    elif word.startswith("locals."):
        word = word.split(".", 1)[1]
    if not _IDENT.fullmatch(word):
        return None
    parts = [p for p in word.split(".") if p and p.lower() not in _GENERIC_WORDS]
    if not parts:
        return None
    if _ENV_NAME.match(parts[-1]) and len(parts[-1]) > 1:
        return parts[-1]  # environment.DATABASE_URL, os.environ.X, DataSourceConfig.DB_PASSWORD
    return ".".join(parts[-4:])


def rule_name(rule_id: str) -> str:
    """A name from the rule that found the value: secretscan.github.pat -> github-pat."""
    return slug(rule_id.removeprefix("secretscan.").replace(".", "-"))


def env_var(name: str, style: str) -> str:
    """The environment variable an application reads the value from."""
    if style == "spring":  # Spring Boot's relaxed binding: dots -> underscores, dashes removed, upper case
        return re.sub(r"[^A-Z0-9_]", "", name.replace(".", "_").replace("-", "").upper())
    if style == "terraform":  # Terraform reads TF_VAR_<name>, case preserved
        return "TF_VAR_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
    if _ENV_NAME.match(name):
        return name
    return re.sub(r"_+", "_", re.sub(r"[^A-Z0-9]", "_", slug(name).upper())).strip("_") or "SECRET"


def location_service(loc: Mapping[str, Any], named: KeyName, default: str) -> str:
    """The service that reads a value at ``loc``: named by the location, else its folder."""
    if named.service:
        return slug(named.service) or default
    folder = service_of(str(loc.get("path", "")))
    return default if folder == "(root)" else (slug(folder) or default)


def backend_path(backend: Backend, env: str, service: str, name: str) -> str:
    """Where a value lives in ``backend``."""
    if backend is Backend.VAULT:
        return f"secret/data/{env}/{service}/{name}"
    if backend is Backend.AWS:  # Secrets Manager names allow letters, digits and /_+=.@-
        return f"{env}/{service}/{name}"
    if backend is Backend.AZURE:  # Key Vault names: 1-127 letters, digits and hyphens
        return re.sub(r"-+", "-", re.sub(r"[^0-9A-Za-z-]", "-", f"{env}-{service}-{name}"))[:127].strip("-")
    return re.sub(r"[^0-9A-Za-z_-]", "-", f"{env}-{service}-{name}")[:255]  # GCP Secret Manager ids


def backend_key(backend: Backend) -> str:
    """The key inside the backend's secret: Vault KV holds a map; the clouds hold one value ("")."""
    return "value" if backend is Backend.VAULT else ""


def kv_relative(path: str) -> str:
    """``secret/data/prod/api/x`` -> ``prod/api/x`` (the path `vault kv` commands take with -mount)."""
    return path.split("/data/", 1)[1] if "/data/" in path else path
