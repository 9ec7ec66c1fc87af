"""Which structure-aware parser reads a path, from the path alone.

Each parser's ``claims`` is one of these predicates, and the registry in
``secretscan.sources.structured`` asks them in order before any parser module is imported:
choosing the parser of one staged file imports that parser's module only (a pre-commit hook
judging a ``.cfg`` file does not load the Kubernetes, Compose or source-code readers).
Nothing here may import a parser module.
"""

from __future__ import annotations

import re
from functools import lru_cache

COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:[-.][\w.-]+)?\.ya?ml$")
SPRING_NAME = re.compile(r"^(?:application|bootstrap)(?:[-.](?P<profile>[\w.-]+?))?\.(?P<ext>ya?ml|properties)$")
INI_NAMES = frozenset({".pypirc", ".s3cfg", ".boto", ".my.cnf", "my.cnf", ".pgservice.conf", ".odbc.ini", "odbc.ini"})
INI_SUFFIXES = (".ini", ".cfg", ".cnf", ".conf")
YAML_SKIP_FILES = frozenset(
    {
        "package-lock.json", "npm-shrinkwrap.json", "composer.json", "pnpm-lock.yaml", "yarn.lock",
        "jsconfig.json", ".eslintrc.json", "devcontainer.json", ".devcontainer.json", "renovate.json",
        "packages.lock.json", "flake.lock", "deno.lock", "cdk.context.json",
    }
)  # fmt: skip


@lru_cache(maxsize=64)  # the registry asks every path test about the same path in turn
def parts(path: str) -> tuple[str, ...]:
    """The components of a repository path, as ``PurePosixPath(path).parts`` has them (no
    empty or ``.`` components; a leading ``/`` is not one), at a fraction of its cost: a
    history asks about every blob's path, tens of thousands of distinct ones."""
    return tuple(part for part in path.split("/") if part and part != ".")


def base_name(path: str) -> str:
    """``PurePosixPath(path).name``."""
    found = parts(path)
    return found[-1] if found else ""


def parent_name(path: str) -> str:
    """``PurePosixPath(path).parent.name``."""
    found = parts(path)
    return found[-2] if len(found) > 1 else ""


def suffix(name: str) -> str:
    """``PurePosixPath(name).suffix`` of a base name."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def is_dockerfile_path(path: str) -> bool:
    base = base_name(path).lower()
    for stem in ("dockerfile", "containerfile"):
        if base == stem or base.startswith((stem + ".", stem + "-", stem + "_")) or base.endswith("." + stem):
            return True
    return False


def is_compose_path(path: str) -> bool:
    return COMPOSE_NAME.match(base_name(path).lower()) is not None


def is_spring_path(path: str) -> bool:
    return SPRING_NAME.match(base_name(path).lower()) is not None


def is_dotenv_path(path: str) -> bool:
    base = base_name(path).lower()
    if base in (".env", ".envrc", ".flaskenv", "env.list", ".env.list"):
        return True
    return base.startswith(".env.") or base.endswith(".env")


def config_file_format(path: str) -> str | None:
    """The format of a credentials or configuration file read by ``sources.configfiles``."""
    base = base_name(path).lower()
    parent = parent_name(path).lower()
    if base in (".npmrc", "npmrc"):
        return "npmrc"
    if base in (".netrc", "_netrc"):
        return "netrc"
    if base == ".git-credentials":
        return "git-credentials"
    if base == ".pgpass":
        return "pgpass"
    if base == ".dockercfg" or base == "config.json" and parent == ".docker":
        return "docker-config"
    if base == "credentials" and parent in (".aws", "aws") or base == "config" and parent == ".aws":
        return "ini"
    if base in INI_NAMES or base.endswith(INI_SUFFIXES):
        return "ini"
    if base.endswith(".properties"):
        return "properties"
    return None


def is_config_file_path(path: str) -> bool:
    return config_file_format(path) is not None


def is_terraform_path(path: str) -> bool:
    base = base_name(path).lower()
    return base.endswith((".tf", ".tfvars", ".tfvars.json", ".tf.json"))


def is_yaml_json_path(path: str) -> bool:
    """A YAML or JSON file the Kubernetes/generic-config reader takes (not lock files and
    editor settings), or a kubeconfig."""
    names = parts(path.lower())
    base = names[-1] if names else ""
    if base in YAML_SKIP_FILES or base.startswith(("tsconfig", "jsconfig")) or ".vscode" in names:
        return False
    return base.endswith((".yaml", ".yml", ".json")) or is_kubeconfig_path(path)


def is_kubeconfig_path(path: str) -> bool:
    base, parent = base_name(path.lower()), parent_name(path.lower())
    return base in ("kubeconfig", "kube.config") or base.endswith(".kubeconfig") or (base == "config" and parent == ".kube")


def is_source_path(path: str) -> bool:
    from secretscan.sources.code_lang import language_for  # data only: asked after every other parser

    return language_for(path) is not None
