"""Spring configuration: ``application*.yml|yaml|properties`` and ``bootstrap*``.

Keys are flattened as Spring does (``spring.datasource.password``, ``app.users[0].token``),
every profile document is read (``---`` in YAML, ``#---`` in properties; the profile comes
from ``spring.config.activate.on-profile``, ``spring.profiles`` or the file name), and each
value is judged by its dotted key. ``${VAR}`` is a reference; ``${VAR:default}`` is judged by
its default, at the default's span; ``{cipher}...`` and ``ENC(...)`` are encrypted (safe).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from secretscan.model import Storage
from secretscan.sources.configfiles import properties_entries
from secretscan.sources.kv import Place, assignment
from secretscan.sources.parser_paths import SPRING_NAME as _NAME
from secretscan.sources.parser_paths import is_spring_path
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text
from secretscan.sources.yamlpos import Node, YamlError, dotted, load_documents, walk

MAX_PARSE_BYTES = 4 << 20
_PROFILE_KEYS = ("spring.config.activate.on-profile", "spring.profiles")


class SpringParser:
    name = "spring"

    def claims(self, path: str) -> bool:
        return is_spring_path(path)

    def variant(self, path: str) -> str:
        """The profile and format a file name gives."""
        m = _NAME.match(PurePosixPath(path).name.lower())
        return f"{m.group('profile') or ''}.{m.group('ext')}" if m else ""

    def parse(self, data: bytes, path: str) -> Parsed:
        m = _NAME.match(PurePosixPath(path).name.lower())
        if m is None:
            return Parsed()
        if len(data) > MAX_PARSE_BYTES:
            return Parsed(notes=("too large to parse: scanned as plain text",), default_storage=Storage.SPRING_CONFIG)
        text = Text(data)
        profile = m.group("profile") or ""
        if m.group("ext") == "properties":
            return Parsed(values=tuple(properties_values(text, profile)), default_storage=Storage.SPRING_CONFIG)
        try:
            documents = load_documents(text.clean())
        except YamlError as exc:
            note = f"not valid YAML ({exc}): scanned as plain text"
            return Parsed(notes=(note,), default_storage=Storage.SPRING_CONFIG)
        values: list[Value] = []
        for document in documents:
            values += yaml_values(text, document, profile)
        return Parsed(values=tuple(values), default_storage=Storage.SPRING_CONFIG)


def yaml_values(text: Text, document: Node | None, file_profile: str) -> list[Value]:
    flat = [(dotted(path), node) for path, node in walk(document)]
    profile = next((n.value for key, n in flat if key in _PROFILE_KEYS), "") or file_profile
    out: list[Value] = []
    for key, node in flat:
        out += _judged(text, key, node.start, node.end, node.value, profile)
    return out


def properties_values(text: Text, file_profile: str) -> list[Value]:
    documents: dict[int, list[tuple[str, int, int, str]]] = {}
    for entry, index in properties_entries(text.text):
        documents.setdefault(index, []).append((entry.key, entry.start, entry.end, entry.logical))
    out: list[Value] = []
    for entries in documents.values():
        profile = next((v for k, _, _, v in entries if k in _PROFILE_KEYS), "") or file_profile
        for key, start, end, logical in entries:
            out += _judged(text, key, start, end, logical, profile)
    return out


def _judged(text: Text, key: str, start: int, end: int, logical: str, profile: str) -> list[Value]:
    locator = f"{key} [profile={profile}]" if profile else key
    place = Place(Storage.SPRING_CONFIG, locator, key)
    return assignment(text, start, end, key, place, logical=logical)
