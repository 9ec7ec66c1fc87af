"""Load rules: the built-in set (shipped inside the package) and users' rule folders."""

from __future__ import annotations

import hashlib
import importlib.resources
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from secretscan.errors import RuleError
from secretscan.model import Rule
from secretscan.ruleset.schema import rules_from_document

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


def builtin_rules_dir() -> Path:
    """Where the built-in rules live: inside the installed package, or the source tree."""
    packaged = importlib.resources.files("secretscan").joinpath("_rules")
    if packaged.is_dir():
        return Path(str(packaged))
    source_tree = Path(__file__).resolve().parents[2] / "rules"
    if source_tree.is_dir():
        return source_tree
    raise RuleError("built-in rules are missing from this installation")


def rule_files(path: Path) -> list[Path]:
    """The rule files under ``path`` (a folder or a single file), sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise RuleError(f"rules path not found: {path}")
    return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_file(path: Path) -> list[Rule]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read rule file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise RuleError(f"rule file {path} is not UTF-8") from None
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "parse error"
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise RuleError(f"invalid YAML in {path}{where}: {first}") from None
    return rules_from_document(doc, str(path))


def load_dirs(paths: Iterable[Path]) -> list[Rule]:
    return [rule for path in paths for file in rule_files(path) for rule in load_file(file)]


def load_rules(extra_dirs: Iterable[Path] = (), disabled: Iterable[str] = ()) -> list[Rule]:
    """Built-in rules plus extra folders, minus disabled ids; duplicate ids are an error."""
    rules = load_dirs([builtin_rules_dir(), *extra_dirs])
    ensure_unique(rules)
    off = set(disabled)
    return [r for r in rules if r.id not in off]


def ensure_unique(rules: Iterable[Rule]) -> None:
    dups = sorted(duplicate_ids(rules))
    if dups:
        raise RuleError(f"duplicate rule id(s): {', '.join(dups)}")


def duplicate_ids(rules: Iterable[Rule]) -> Iterator[str]:
    seen: set[str] = set()
    reported: set[str] = set()
    for rule in rules:
        if rule.id in seen and rule.id not in reported:
            reported.add(rule.id)
            yield rule.id
        seen.add(rule.id)


def rules_digest(rules: Iterable[Rule]) -> str:
    """A digest of everything that affects the compiled pattern database."""
    h = hashlib.sha256()
    for rule in rules:
        h.update(rule.id.encode() + b"\x00" + rule.pattern.encode() + b"\x01")
    return h.hexdigest()
