"""`.secretscan.toml` or `[tool.secretscan]` in `pyproject.toml` -> frozen Settings.

Configuration is data only: nothing in it names code to load or run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from secretscan.errors import ConfigError
from secretscan.model import Confidence, Severity

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
CONFIG_FILE = ".secretscan.toml"

_KNOWN_KEYS = {
    "exclude",
    "disable_rules",
    "rules_dirs",
    "allowed_values",
    "allowed_patterns",
    "max_file_size",
    "fail_on",
    "min_confidence",
    "jobs",
    "decode_depth",
    "rotation_days",
    "expiry_warning_days",
    "baseline_key_file",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a scan needs to know, passed down explicitly (never global)."""

    exclude: tuple[str, ...] = ()
    disable_rules: tuple[str, ...] = ()
    rules_dirs: tuple[Path, ...] = ()
    allowed_values: tuple[str, ...] = ()
    allowed_patterns: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    fail_on: Severity = Severity.INFO
    min_confidence: Confidence = Confidence.LOW
    show_secrets: bool = False
    use_git: bool = True
    jobs: int = 0  # 0: one worker per core
    decode_depth: int = 2
    rotation_days: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    expiry_warning_days: int = 30
    source: Path | None = None  # the config file these came from
    # Baselines (inventory.baseline): a file holding the key for keyed entries, the key itself
    # (never logged or printed, hence repr=False), and whether the engine must also compute each
    # secret's SHA-1 to match entries imported from detect-secrets.
    baseline_key_file: Path | None = None
    baseline_key: bytes | None = field(default=None, repr=False)
    baseline_sha1: bool = False

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def find_config(root: Path) -> Path | None:
    """The config file governing ``root``: `.secretscan.toml`, else a pyproject with our table."""
    start = root if root.is_dir() else root.parent
    for candidate_dir in (start, *start.parents):
        own = candidate_dir / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (candidate_dir / ".git").exists():
            break
    return None


def _toml() -> ModuleType:
    """The TOML parser, imported only when a config file is read (a run without one skips it)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def _has_tool_table(pyproject: Path) -> bool:
    tomllib = _toml()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "secretscan" in data["tool"]


def load_settings(path: Path | None) -> Settings:
    """Read a config file (or return defaults when ``path`` is None)."""
    if path is None:
        return Settings()
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from exc
    table = data.get("tool", {}).get("secretscan", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.secretscan] must be a table")
    return settings_from_table(table, path)


def settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}")
    base = path.parent
    try:
        return Settings(
            exclude=_strings(table, "exclude", path),
            disable_rules=_strings(table, "disable_rules", path),
            rules_dirs=tuple((base / p).resolve() for p in _strings(table, "rules_dirs", path)),
            allowed_values=_strings(table, "allowed_values", path),
            allowed_patterns=_strings(table, "allowed_patterns", path),
            max_file_size=_int(table, "max_file_size", DEFAULT_MAX_FILE_SIZE, path),
            fail_on=Severity.parse(table.get("fail_on", "info")),
            min_confidence=Confidence.parse(table.get("min_confidence", "low")),
            jobs=_int(table, "jobs", 0, path),
            decode_depth=_int(table, "decode_depth", 2, path),
            rotation_days=_int_table(table, "rotation_days", path),
            expiry_warning_days=_int(table, "expiry_warning_days", 30, path),
            baseline_key_file=_optional_path(table, "baseline_key_file", path),
            source=path,
        )
    except (KeyError, AttributeError) as exc:
        raise ConfigError(f"{path}: invalid level {exc}") from None


def _strings(table: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return tuple(value)


def _optional_path(table: dict[str, Any], key: str, path: Path) -> Path | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: '{key}' must be a path")
    return (path.parent / Path(value).expanduser()).resolve()


def _int(table: dict[str, Any], key: str, default: int, path: Path) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{path}: '{key}' must be a non-negative integer")
    return value


def _int_table(table: dict[str, Any], key: str, path: Path) -> dict[str, int]:
    value = table.get(key, {})
    if not isinstance(value, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()
    ):
        raise ConfigError(f"{path}: '{key}' must be a table of positive integers")
    return dict(value)
