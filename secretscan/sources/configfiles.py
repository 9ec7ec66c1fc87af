"""Key/value configuration and credential files.

* ``*.properties`` (Java: ``=``, ``:`` or blank separators, continuation lines, escapes);
* ``*.ini``, ``*.cfg``, ``*.cnf``, ``*.conf``, ``.pypirc``, ``.s3cfg``, ``.boto``, AWS
  ``credentials``: ``[section]`` and ``key = value`` lines;
* credential formats, where the field itself is the credential: ``.npmrc`` (``_authToken``,
  ``_auth`` = base64 of user:password, ``_password`` = base64), ``.pypirc`` ``password``,
  ``.netrc`` ``password``, ``.git-credentials`` URLs, ``.pgpass`` fifth field;
* docker ``config.json`` / ``.dockercfg``: ``auths.<registry>.auth`` decoded to user and password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from secretscan.model import Storage
from secretscan.sources.dockerauth import SECRET_FIELDS, b64decode, split_auth
from secretscan.sources.kv import Place, assignment
from secretscan.sources.parser_paths import config_file_format as format_of
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text
from secretscan.sources.yamlpos import Mapping, Scalar, YamlError, get, get_text, load_documents, pairs

MAX_PARSE_BYTES = 4 << 20
CREDENTIAL_RULE = "secretscan.config.credential-file"
REGISTRY_RULE = "secretscan.docker.registry-credential"



@dataclass(frozen=True, slots=True)
class Entry:
    """``key = value``: the key, its section, and the value's character span and logical text."""

    key: str
    start: int
    end: int
    logical: str
    section: str = ""


class ConfigFilesParser:
    name = "config-files"

    def claims(self, path: str) -> bool:
        return format_of(path) is not None

    def parse(self, data: bytes, path: str) -> Parsed:
        fmt = format_of(path)
        if fmt is None:
            return Parsed()
        if len(data) > MAX_PARSE_BYTES:
            return Parsed(
                notes=(f"{fmt} file too large to parse: scanned as plain text",), default_storage=Storage.CONFIG_FILE
            )
        text = Text(data)
        reader = _READERS[fmt]
        return reader(text)

    def variant(self, path: str) -> str:
        return format_of(path) or ""


# ---------------------------------------------------------------- properties


def properties_entries(source: str) -> Iterator[tuple[Entry, int]]:
    """Java properties: (entry, document index); documents split by ``#---``/``!---`` lines
    (Spring Boot's multi-document properties)."""
    document = 0
    pos = 0
    n = len(source)
    while pos < n:
        end = _line_end(source, pos)
        line = source[pos:end]
        stripped = line.strip()
        if stripped in ("#---", "!---"):
            document += 1
        if not stripped or stripped[0] in "#!":
            pos = end + 1
            continue
        entry, pos = _property(source, pos)
        if entry is not None:
            yield entry, document


def _property(source: str, pos: int) -> tuple[Entry | None, int]:
    """One logical line (with ``\\`` continuations) starting at ``pos``."""
    lead = len(source[pos : _line_end(source, pos)]) - len(source[pos : _line_end(source, pos)].lstrip(" \t\f"))
    i = pos + lead
    key_chars: list[str] = []
    n = len(source)
    while i < n and source[i] not in "=: \t\f\r\n":
        if source[i] == "\\" and i + 1 < n and source[i + 1] != "\n":
            char, i = _escape_at(source, i)
            key_chars.append(char)
            continue
        key_chars.append(source[i])
        i += 1
    while i < n and source[i] in " \t\f":
        i += 1
    if i < n and source[i] in "=:":
        i += 1
        while i < n and source[i] in " \t\f":
            i += 1
    start = i
    logical: list[str] = []
    end = start
    while i < n and source[i] != "\n":
        c = source[i]
        if c == "\\" and i + 1 < n:
            nxt = source[i + 1]
            if nxt == "\n" or nxt == "\r" and source[i + 2 : i + 3] == "\n":
                i = _line_end(source, i) + 1
                while i < n and source[i] in " \t\f":
                    i += 1
                continue
            char, i = _escape_at(source, i)
            logical.append(char)
            end = i
            continue
        logical.append(c)
        i += 1
        if c not in " \t\r":
            end = i
    value = "".join(logical).rstrip(" \t\r")
    key = "".join(key_chars)
    if not key:
        return None, i + 1
    return Entry(key, start, end, value), i + 1


def _escape_at(source: str, i: int) -> tuple[str, int]:
    """The character a backslash escape at ``i`` stands for, and the index after it."""
    nxt = source[i + 1]
    if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", source[i + 2 : i + 6]):
        return chr(int(source[i + 2 : i + 6], 16)), i + 6
    return {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}.get(nxt, nxt), i + 2


def _read_properties(text: Text) -> Parsed:
    values: list[Value] = []
    for entry, _ in properties_entries(text.text):
        place = Place(Storage.CONFIG_FILE, entry.key, entry.key)
        values += assignment(text, entry.start, entry.end, entry.key, place, logical=entry.logical)
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


# ---------------------------------------------------------------- ini

_INI_SECTION = re.compile(r"^[ \t]*\[(?P<name>[^\]\r\n]*)\][ \t]*\r?$", re.M)
_INI_ENTRY = re.compile(
    r"^[ \t]*(?P<key>[^\s=:#;\[\"']+(?:[ \t][^\s=:#;\[\"']+){0,2})"  # a key of at most three words
    r"[ \t]*(?:=|:(?=[ \t]|\r?$))[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?$",  # ':' only before a blank
    re.M,
)


def ini_entries(source: str) -> list[Entry]:
    sections = [(m.start(), m.group("name").strip()) for m in _INI_SECTION.finditer(source)]
    out = []
    for m in _INI_ENTRY.finditer(source):
        section = ""
        for start, name in sections:
            if start > m.start():
                break
            section = name
        value = m.group("value")
        start, end = m.span("value")
        comment = re.search(r"[ \t][;#]", value)
        if comment:
            end = start + len(value[: comment.start()].rstrip())
            value = source[start:end]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            start, end, value = start + 1, end - 1, value[1:-1]
        out.append(Entry(m.group("key").strip(), start, end, value, section))
    return out


def _read_ini(text: Text) -> Parsed:
    values: list[Value] = []
    for entry in ini_entries(text.text):
        locator = f"[{entry.section}] {entry.key}" if entry.section else entry.key
        credential = entry.key.lower() == "password" and entry.section.lower() in (
            "pypi",
            "testpypi",
            "distutils",
            "server-login",
        )
        place = Place(
            Storage.CONFIG_FILE,
            locator,
            f"{entry.section}.{entry.key}".lstrip("."),
            rule=CREDENTIAL_RULE if credential else "",
        )
        values += assignment(text, entry.start, entry.end, entry.key, place, logical=entry.logical, force=credential)
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


# ---------------------------------------------------------------- npmrc

_NPMRC_ENTRY = re.compile(r"^[ \t]*(?P<key>[^\s=#;][^=\r\n]*?)[ \t]*=[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?$", re.M)


def _read_npmrc(text: Text) -> Parsed:
    values: list[Value] = []
    for m in _NPMRC_ENTRY.finditer(text.text):
        key = m.group("key")
        start, end = m.span("value")
        value = m.group("value")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            start, end, value = start + 1, end - 1, value[1:-1]
        field = key.rsplit(":", 1)[-1].lower()
        place = Place(Storage.CONFIG_FILE, key, key, rule=CREDENTIAL_RULE)
        found = assignment(text, start, end, key, place, force=field in ("_authtoken", "_auth", "_password"))
        if field in ("_auth", "_password") and len(found) == 1 and not found[0].safe:
            found = [_npm_decoded(found[0], value, field)]
        elif field not in ("_authtoken", "_auth", "_password"):
            found = [replace(v, rule="") for v in found]
        values += found
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


def _npm_decoded(value: Value, written: str, field: str) -> Value:
    """``_auth`` is base64 of ``user:password``; ``_password`` is base64 of the password."""
    if field == "_auth":
        pair = split_auth(written)
        if pair is not None:
            return replace(value, decoded=pair[1].encode("utf-8"), decoding=("base64", "user:password"))
        return value
    decoded = b64decode(written)
    return replace(value, decoded=decoded, decoding=("base64",)) if decoded else value


# ---------------------------------------------------------------- netrc, git-credentials, pgpass

_NETRC_TOKEN = re.compile(r"\S+")


def _read_netrc(text: Text) -> Parsed:
    values: list[Value] = []
    tokens = list(_NETRC_TOKEN.finditer(text.text))
    machine, login = "default", ""
    i = 0
    while i < len(tokens):
        word = tokens[i].group(0)
        if word == "macdef":  # a macro runs to the next blank line
            blank = text.text.find("\n\n", tokens[i].end())
            i = _next_token(tokens, len(text.text) if blank < 0 else blank)
            continue
        if word in ("machine", "login", "password", "account") and i + 1 < len(tokens):
            arg = tokens[i + 1]
            if word == "machine":
                machine, login = arg.group(0), ""
            elif word == "login":
                login = arg.group(0)
            else:
                locator = f"machine={machine} login={login or '?'} {word}"
                place = Place(Storage.CONFIG_FILE, locator, f"{machine}.{word}", rule=CREDENTIAL_RULE)
                values += assignment(text, arg.start(), arg.end(), word, place, force=True)
            i += 2
            continue
        if word == "default":
            machine, login = "default", ""
        i += 1
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


def _next_token(tokens: list[re.Match[str]], offset: int) -> int:
    return next((j for j, t in enumerate(tokens) if t.start() >= offset), len(tokens))


_CREDENTIAL_URL = re.compile(
    r"^[ \t]*(?P<scheme>[a-z][\w+.-]*)://(?P<user>[^:@/\s]*):(?P<password>[^@\s]+)@(?P<host>[^/\s]+)", re.M | re.I
)


def _read_git_credentials(text: Text) -> Parsed:
    values: list[Value] = []
    for m in _CREDENTIAL_URL.finditer(text.text):
        locator = f"host={m.group('host')} user={m.group('user') or '?'}"
        place = Place(Storage.CONFIG_FILE, locator, m.group("host"), rule=CREDENTIAL_RULE)
        start, end = m.span("password")
        values += assignment(text, start, end, "password", place, force=True)
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


def _read_pgpass(text: Text) -> Parsed:
    """``hostname:port:database:username:password``, ``\\:`` and ``\\\\`` escaped."""
    values: list[Value] = []
    pos = 0
    source = text.text
    while pos < len(source):
        end = _line_end(source, pos)
        line = source[pos:end].rstrip("\r")
        if line.strip() and not line.lstrip().startswith("#"):
            fields = _pgpass_fields(line)
            if len(fields) == 5:
                start, stop = fields[4]
                names = [source[pos + a : pos + b] for a, b in fields[:4]]
                place = Place(Storage.CONFIG_FILE, ":".join(names), ":".join(names), rule=CREDENTIAL_RULE)
                logical = re.sub(r"\\(.)", r"\1", line[start:stop])
                values += assignment(text, pos + start, pos + stop, "password", place, logical=logical, force=True)
        pos = end + 1
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


def _pgpass_fields(line: str) -> list[tuple[int, int]]:
    fields: list[tuple[int, int]] = []
    start = i = 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == ":" and len(fields) < 4:
            fields.append((start, i))
            start = i + 1
        i += 1
    fields.append((start, len(line)))
    return fields


# ---------------------------------------------------------------- docker config.json


def _read_docker_config(text: Text) -> Parsed:
    try:
        documents = load_documents(text.clean())
    except YamlError as exc:
        return Parsed(notes=(f"not valid JSON ({exc}): scanned as plain text",), default_storage=Storage.CONFIG_FILE)
    document = documents[0] if documents else None
    auths = get(document, "auths")
    if not isinstance(auths, Mapping) and isinstance(document, Mapping):
        auths = document  # .dockercfg: registries at the top level
    values: list[Value] = []
    if isinstance(auths, Mapping):
        for registry, entry in pairs(auths):
            if isinstance(entry, Mapping):
                values += registry_values(text, registry.value, entry)
    return Parsed(values=tuple(values), default_storage=Storage.CONFIG_FILE)


def registry_values(text: Text, registry: str, entry: Mapping) -> list[Value]:
    user = get_text(entry, "username") or ""
    out: list[Value] = []
    for key, node in pairs(entry):
        if not isinstance(node, Scalar) or key.value not in SECRET_FIELDS:
            continue
        field = key.value
        locator = f"auths.{registry} user={user or '?'} {field}"
        place = Place(Storage.CONFIG_FILE, locator, f"auths.{registry}.{field}", rule=REGISTRY_RULE)
        found = assignment(text, node.start, node.end, field, place, logical=node.value, force=True)
        if field == "auth" and len(found) == 1 and not found[0].safe:
            pair = split_auth(node.value)
            if pair is not None:
                located = replace(place, locator=f"auths.{registry} user={pair[0] or '?'} {field}")
                found = [
                    replace(
                        found[0],
                        locator=located.locator,
                        decoded=pair[1].encode("utf-8"),
                        decoding=("base64", "user:password"),
                    )
                ]
        out += found
    return out


def _line_end(source: str, pos: int) -> int:
    end = source.find("\n", pos)
    return len(source) if end < 0 else end


_READERS = {
    "properties": _read_properties,
    "ini": _read_ini,
    "npmrc": _read_npmrc,
    "netrc": _read_netrc,
    "git-credentials": _read_git_credentials,
    "pgpass": _read_pgpass,
    "docker-config": _read_docker_config,
}
