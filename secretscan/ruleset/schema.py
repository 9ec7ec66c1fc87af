"""The rule file schema: YAML mapping -> Rule records, with exact errors."""

from __future__ import annotations

import re
from typing import Any

from secretscan.errors import RuleError
from secretscan.model import Confidence, Rule, RuleId, SecretKind, Severity

RULE_ID = re.compile(r"^[a-z0-9]+(?:\.[a-z0-9][a-z0-9_-]*)+$")

_REQUIRED = ("id", "name", "kind", "pattern", "examples", "negative_examples")
_OPTIONAL = (
    "keywords",
    "min_entropy",
    "confidence",
    "severity",
    "references",
    "description",
    "provider",
    "skip_filters",
    "prefilter",
)


def rules_from_document(doc: Any, source: str) -> list[Rule]:
    """Parse one rule file's content: ``{provider: ..., rules: [...]}``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise RuleError(f"{source}: expected a mapping with a 'rules' list")
    unknown = sorted(set(doc) - {"provider", "rules", "references"})
    if unknown:
        raise RuleError(f"{source}: unknown top-level key(s) {', '.join(unknown)}")
    provider = doc.get("provider")
    if not isinstance(provider, str) or not provider.strip():
        raise RuleError(f"{source}: 'provider' must be a non-empty string")
    return [rule_from_mapping(item, provider, source, i) for i, item in enumerate(doc["rules"])]


def rule_from_mapping(item: Any, provider: str, source: str, index: int) -> Rule:
    where = f"{source}: rule #{index + 1}"
    if not isinstance(item, dict):
        raise RuleError(f"{where}: expected a mapping")
    if isinstance(item.get("id"), str):
        where = f"{source}: rule {item['id']}"
    missing = [k for k in _REQUIRED if k not in item]
    if missing:
        raise RuleError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(item) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(unknown)}")
    rule_id = _text(item, "id", where)
    if not RULE_ID.match(rule_id):
        raise RuleError(f"{where}: id must look like 'secretscan.provider.name'")
    return Rule(
        id=RuleId(rule_id),
        name=_text(item, "name", where),
        provider=str(item.get("provider", provider)),
        kind=_enum(SecretKind, item["kind"], "kind", where),
        pattern=_text(item, "pattern", where),
        keywords=tuple(k.lower() for k in _texts(item, "keywords", where)),
        min_entropy=_entropy(item.get("min_entropy"), where),
        confidence=_level(Confidence, item.get("confidence", "medium"), "confidence", where),
        severity=_level(Severity, item.get("severity", "high"), "severity", where),
        references=_texts(item, "references", where),
        examples=_texts(item, "examples", where),
        negative_examples=_texts(item, "negative_examples", where),
        description=str(item.get("description", "")),
        source=source,
        skip_filters=_texts(item, "skip_filters", where),
        prefilter=_text(item, "prefilter", where) if "prefilter" in item else "",
    )


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise RuleError(f"{where}: '{key}' must be a non-empty string")
    return value


def _texts(item: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def _entropy(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 8:
        raise RuleError(f"{where}: 'min_entropy' must be a number between 0 and 8")
    return float(value)


def _enum(cls: type[SecretKind], value: Any, key: str, where: str) -> SecretKind:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise RuleError(f"{where}: '{key}' must be one of {allowed}") from None


def _level(cls: Any, value: Any, key: str, where: str) -> Any:
    try:
        return cls.parse(str(value))
    except KeyError:
        allowed = ", ".join(m.label for m in cls)
        raise RuleError(f"{where}: '{key}' must be one of {allowed}") from None
