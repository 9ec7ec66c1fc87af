"""Load rules: the built-in set (shipped inside the package) and users' rule folders."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import marshal
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from secretscan import __version__
from secretscan.errors import RuleError
from secretscan.model import Confidence, Rule, SecretKind, Severity
from secretscan.ruleset.schema import rules_from_document


def builtin_rules_dir() -> Path:
    """Where the built-in rules live: inside the installed package, or the source tree."""
    here = Path(__file__).resolve()
    packaged = here.parents[1] / "_rules"  # what importlib.resources finds in a regular install
    if packaged.is_dir():
        return packaged
    source_tree = here.parents[2] / "rules"
    if source_tree.is_dir():
        return source_tree
    raise RuleError("built-in rules are missing from this installation")


def rule_files(path: Path) -> list[Path]:
    """The rule files under ``path`` (a folder or a single file), sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise RuleError(f"rules path not found: {path}")
    return [Path(p) for p in sorted(_yaml_files(os.fspath(path)))]


def _yaml_files(folder: str) -> Iterator[str]:
    """YAML files under ``folder``, recursively (os.scandir: no stat call per entry)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                yield from _yaml_files(entry.path)
            elif entry.name.endswith((".yml", ".yaml")) and entry.is_file():
                yield entry.path


def _yaml_loader() -> Any:
    import yaml  # only when a rule file must be parsed: the cache spares most start-ups

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_file(path: Path) -> list[Rule]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read rule file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise RuleError(f"rule file {path} is not UTF-8") from None
    try:
        doc = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "parse error"
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise RuleError(f"invalid YAML in {path}{where}: {first}") from None
    return rules_from_document(doc, str(path))


def load_dirs(paths: Iterable[Path], cache_dir: Path | None = None) -> list[Rule]:
    """Every rule in the given folders or files; with ``cache_dir``, parsed rules are reused
    for each file whose modification time and size are unchanged."""
    if cache_dir is None:
        return [rule for path in paths for file in rule_files(path) for rule in load_file(file)]
    names: list[str] = []
    for path in paths:
        if path.is_dir():
            names.extend(sorted(_yaml_files(os.fspath(path))))
        else:
            names.extend(os.fspath(file) for file in rule_files(path))
    return ParsedRulesCache(cache_dir).load(names)


def load_rules(
    extra_dirs: Iterable[Path] = (), disabled: Iterable[str] = (), cache_dir: Path | None = None
) -> list[Rule]:
    """Built-in rules plus extra folders, minus disabled ids; duplicate ids are an error."""
    rules = load_dirs([builtin_rules_dir(), *extra_dirs], cache_dir)
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
        h.update(rule.id.encode() + b"\x00" + rule.pattern.encode() + b"\x01" + rule.prefilter.encode() + b"\x02")
    return h.hexdigest()


# --- parsed-rules cache ----------------------------------------------------------------------
# Parsing hundreds of YAML rule files costs more than everything else a small scan does. The
# cache holds each file's rules as plain values (marshal: loading it runs no code), keyed by
# the file's path, modification time and size; the cache file's name changes with the package
# version and the Rule record's fields, and it is dropped when the schema module changes.

_ENUM_FIELDS: dict[str, type[enum.Enum]] = {"kind": SecretKind, "confidence": Confidence, "severity": Severity}
_FIELDS = tuple(f.name for f in dataclasses.fields(Rule))
_Entry = tuple[int, int, list[tuple[Any, ...]]]


class ParsedRulesCache:
    def __init__(self, cache_dir: Path) -> None:
        tag = hashlib.sha256(f"{__version__}|{_FIELDS}|{_schema_stamp()}".encode()).hexdigest()[:16]
        self.path = cache_dir / f"rules-{tag}.marshal"

    def load(self, files: list[str]) -> list[Rule]:
        stored = self._read()
        rules: list[Rule] = []
        changed = False
        for key in files:
            try:
                stat = os.stat(key)
            except OSError as exc:
                raise RuleError(f"cannot read rule file {key}: {exc.strerror}") from exc
            hit = stored.get(key)
            if hit is not None and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size:
                try:
                    rules.extend([_rule(values) for values in hit[2]])
                    continue
                except (KeyError, TypeError, ValueError, IndexError):
                    pass  # a damaged entry: parse the file again
            parsed = load_file(Path(key))
            rules.extend(parsed)
            try:
                stored[key] = (stat.st_mtime_ns, stat.st_size, [_values(r) for r in parsed])
                changed = True
            except ValueError:
                pass  # a rule holds a value this cache cannot keep: parse that file every time
        if changed:
            self._write(stored)
        return rules

    def _read(self) -> dict[str, _Entry]:
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, stored: dict[str, _Entry]) -> None:
        try:
            blob = marshal.dumps(stored)
            import tempfile

            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".rules-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            pass  # a cache is an optimisation: unwritable, or a value marshal cannot hold


def _schema_stamp() -> str:
    from secretscan.ruleset import schema

    try:
        stat = Path(schema.__file__).stat()
    except (OSError, TypeError):
        return "unknown"
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def _values(rule: Rule) -> tuple[Any, ...]:
    values = []
    for name in _FIELDS:
        value = getattr(rule, name)
        if isinstance(value, enum.Enum):
            if name not in _ENUM_FIELDS:
                raise ValueError(f"no cache for enum field {name}")
            value = value.value
        values.append(value)
    return tuple(values)


_ENUM_AT = tuple((_FIELDS.index(name), {m.value: m for m in kind}) for name, kind in _ENUM_FIELDS.items())


def _rule(values: tuple[Any, ...]) -> Rule:
    fields = list(values)
    for index, members in _ENUM_AT:
        fields[index] = members[fields[index]]
    return Rule(*fields)
