"""Source code: string literals bound to names that mark a secret, found with tree-sitter.

Python, JavaScript, TypeScript (and TSX), Java, Kotlin, Go, Ruby, PHP and C#. A literal is a
Value with ``secret_by_name`` when it is assigned to, declared with, passed as or stored under a
secret-like name (``DB_PASSWORD = "..."``, ``connect(password="...")``, ``{"api_key": "..."}``,
``ds.setPassword("...")``, ``props.put("client.secret", "...")``, the default of
``os.getenv("API_TOKEN", "...")``) and the value does not show it is something else. What the
parser knows keeps the noise down:

* only whole literals count: f-strings, template literals and ``"#{x}"`` with interpolation,
  concatenations with a variable, environment lookups and other calls are computed values
  (literal-only joins ``"a" "b"`` / ``"a" + "b"`` and conversions ``"x".encode()``,
  ``[]byte("x")``, ``"x".toCharArray()`` keep their literal);
* comparisons, returns and plain positional arguments are not bindings;
* names about a secret rather than holding one (``password_field``, ``token_url``,
  ``get_token``, ``INVALID_PASSWORD``, a ``pat`` that is a pattern) are not secret names;
* short values, prose, dotted names, format strings and values that only name a key
  (``"X-API-Key"``) are not secrets; ``secretscan.detect.structured`` then applies the shared
  value filters (placeholders, templates, words, paths, URLs...) before reporting;
* test files (``tests/``, ``test_*.py``, ``*_test.go``, ``*.spec.ts``, ``*Test.java``,
  ``fixtures/``...) hold test credentials by design. Decision: their literals are still
  Values (a provider rule that matches one is reported, with its locator), never secrets by
  name alone.

Every match in a source file, inside a Value or not, is stored as ``source-code``. tree-sitter
is imported only when a file is parsed, only files that mention a secret-like word are parsed,
and the query runs only around those words, so a pre-commit run over a few files stays fast.
Files over ``MAX_SOURCE_BYTES`` (bundles, generated code) and binary content are left to the
plain-text scan with a note; syntax errors are noted and the parts that parse are read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import re2

from secretscan.lazyre import lazy
from secretscan.model import Storage
from secretscan.sources.code_lang import Lang, language_for
from secretscan.sources.names import is_secret_name, name_tokens
from secretscan.sources.parser_paths import parts
from secretscan.sources.structured import Parsed, Value

if TYPE_CHECKING:
    from secretscan.sources.code_ts import Found

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # larger files are generated or vendored: plain-text scan only
_BINARY_SNIFF = 8000

# A file is parsed only if it mentions one of these: a superset of what ``is_secret_name``
# accepts (tests/sources/test_code.py holds it to that). Python's ``pass`` statement is not a hint.
_HINT_OPTIONS = re2.Options()
_HINT_OPTIONS.case_sensitive = False
_KEY_QUALIFIERS = (
    "api|access|secret|private|signing|encrypt(?:ion)?|decryption|master|account|app|auth|license|shared|"
    "session|hmac|jwt|service|subscription|storage|admin|client|cookie|crypto|cipher|aes|sign|webhook|consumer"
)
_HINT = re2.compile(
    rb"pass(?:w|phrase|code|[_\-0-9]|\b[ \t]*[^\s#;])|pw|secret|token|cred|auth(?:[^o]|o[^r]|$)|bearer|"
    + rf"(?:{_KEY_QUALIFIERS})[\W_]{{0,2}}key".encode(),
    options=_HINT_OPTIONS,
)  # RE2: linear and some hundred MB/s, where ``re`` crawls on this case-insensitive alternation


# ``pass`` that starts a camelCase word (``passValue``, ``smtpPass2``): the hint above is
# case-insensitive, where ``pass`` before any letter would take ``passage`` and ``compass``.
_CAMEL_PASS = re2.compile(rb"(?:pass|Pass|PASS)[A-Z0-9]")


# Parsing is the expensive part (a few MB/s): a file is parsed only when a secret-like word (a
# hint above) is part of a binding of a quoted literal of 4+ characters (`password = "..."`,
# `"token": "..."`, `setSecret("...")`, `api_key: '...'`, a Go struct's aligned `Password:   "..."`,
# a value on the next line, a typed declaration: `apiKey: string = "..."`, `var pw string = "..."`).
# Most code mentions tokens and keys without one, and a literal bound to some other name
# (`__author__ = "..."`, `d.get(key, "...")`) does not make a file worth parsing.
_LITERAL_NEAR = re2.compile(
    rb"(?:pass|pw|secret|token|cred|auth|bearer|key)[\w.\[\]'\"$>-]{0,48}"
    rb"(?:[ \t]*:[ \t]*[\w.<>\[\]?|*]{1,40}|[ \t]+[\w.\[\]*]{1,40})?[ \t]{0,64}"  # a type: TS, Kotlin, Python; Go
    rb"(=|:|=>|:=|,|\(|\))\s{0,64}(?:[@&:]|\(\s{0,64}|new String\(|[rbuf]{1,2})?[\"'`][^\"'`\s]{4}",
    options=_HINT_OPTIONS,
)


def _bound_near(data: bytes, hints: list[tuple[int, int]]) -> bool:
    """Whether some hint starts a binding of a literal (``_LITERAL_NEAR``, found from the hint
    on) whose name may be a secret's. Every hint holds one of the pattern's words, and the name
    of a secret is found by one of its hints, so each binding that can report a secret is
    looked for from the hint in its name."""
    size = len(data)
    for hint_start, hint_end in hints:
        m = _LITERAL_NEAR.search(data, hint_start, min(size, hint_end + _BINDING_REACH))
        if m is not None and m.start() < hint_end and _may_bind(data, hint_start, hint_end, m.group(1)):
            return True
    return False


_BINDING_REACH = 512  # longer than any _LITERAL_NEAR match (name, type, spaces, operator, prefix, quote)


def _may_bind(data: bytes, hint_start: int, hint_end: int, operator: bytes) -> bool:
    """Whether the name a hint is part of can bind a secret with ``operator``: a ``,`` only
    follows a quoted key that is a call's first argument (``put("client.secret", "...")``,
    ``getenv("API_TOKEN", "...")``), a ``(`` only a setter (``setPassword("...")``)."""
    start, end = _name_span(data, hint_start, hint_end)
    name = data[start:end].decode("latin-1")
    if operator == b",":
        before = data[max(0, start - 64) : start]
        if not before.endswith((b"'", b'"', b"`")) or not _CALL_BEFORE.search(before[:-1]):
            return False
    elif operator == b"(":
        words = name_tokens(_SEGMENT.split(name)[-1])
        return len(words) > 1 and words[0] in _SETTER_PREFIXES and is_secret_words(words[1:])
    return _may_name_secret(name)


_CALL_BEFORE = lazy(rb"(?:\(|\w[ \t]+)[ \t]*\Z")  # an opening parenthesis, or a method name and a space (Ruby)
_SEGMENT = re.compile(r"[.$\-]")


_NAME_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$-")


def _name_span(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Where the dotted name a hint is part of lies (``self.db_password``, ``client.secret``)."""
    while start > 0 and data[start - 1] in _NAME_CHARS:
        start -= 1
    while end < len(data) and data[end] in _NAME_CHARS:
        end += 1
    return start, end


def _may_name_secret(name: str) -> bool:
    """Whether a binding named by ``name`` or by its tail can mark a secret: whatever name
    tree-sitter reports for it (the last segment, a subscript's key, a setter without its
    ``set``, a lookup's key) is made of the last words of the name a hint is part of, and
    ``judge_name`` is ``is_secret_words`` of those words."""
    words = name_tokens(name)
    return any(is_secret_words(words[i:]) for i in range(len(words)))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Last words that make a secret-like name about something else: password_field, token_url...
_NOT_SECRET_LAST = _words(
    """
    name names type types kind url urls uri uris endpoint endpoints path paths file files filename dir
    directory folder field fields label labels prompt prompts message messages msg error errors hint hints
    pattern patterns regex regexp re format fmt length len size count min max policy policies title text
    description desc help doc docs placeholder param params parameter parameters id ids env var vars
    variable variables prefix suffix class cls module backend backends method methods mode scheme version
    algorithm algo alg provider service storage location loc expiry expires expiration ttl timeout lifetime
    age timestamp date time at index idx enabled required validator validators strength char chars charset
    encoding input box button widget view form page route template column col attr attribute property prop
    selector xpath tag icon color style reset changed manager handler factory generator parser hash hashed
    digest hasher salt rounds iterations cache lock mutex queue store repository repo dao filter validation
    event events callback listener type_ header_name key_name ref reference source sources option options
    flag flags request response status state context ctx config settings setting command cmd test tests
    example examples sample mock fake stub dummy spec schema list item items summary info details meta
    metadata fragment result results usage stats model models dto entity
    """
)
# Words anywhere in a name that make it about a secret, not one: INVALID_PASSWORD, MISSING_TOKEN.
_NOT_SECRET_ANY = _words(
    """
    invalid missing wrong bad incorrect expired status error errors example sample fake mock dummy test
    placeholder
    """
)
# First words that make it a question or an action about a secret: is_password, get_token...
_NOT_SECRET_FIRST = _words(
    """
    is has use uses enable enabled disable require requires show hide get fetch load read find lookup
    resolve parse validate check verify compare encrypt decrypt encode decode hash sign generate create new
    reset update delete remove revoke refresh rotate request print log mask redact num max min no should can
    must allow allowed invalid valid missing wrong bad default
    """
)
_SETTER_PREFIXES = frozenset({"set", "with", "put"})
_KV_METHODS = _words(
    """
    put set setproperty setdefault setenv putenv add append setheader set_header header define putifabsent
    put_if_absent store setitem config configure env
    """
)
_LOOKUP_METHODS = _words("get getenv getordefault get_or_default fetch getproperty get_env")
# Words a value may consist of and still only name a key: "X-API-Key", "auth_token", "Bearer".
_KEY_WORDS = _words(
    """
    x api key keys token tokens access secret secrets auth authorization authentication password passwd pwd
    pass passphrase client private public id bearer basic header session cookie refresh credential
    credentials oauth jwt app application user username login account service signing encryption master
    database db
    """
)
# Module paths (``django.contrib.auth.hashers.X``, relative ``.types``) and variable names.
_DOTTED = re.compile(r"^(?:\.+[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_FORMAT = re.compile(r"%[-+ #0-9.]*[sdrif]|\{\d*\}|\{[a-z_]\w*(?:![rsa])?(?::[^}]*)?\}")
_FORMAT_REST = re.compile(r"[A-Za-z\s:/@._=&?-]*")  # what a format string holds besides its fields
_TEST_DIRS = frozenset(
    {
        "test",
        "tests",
        "__tests__",
        "spec",
        "specs",
        "testdata",
        "test_data",
        "testing",
        "fixtures",
        "fixture",
        "__fixtures__",
        "__mocks__",
        "mocks",
        "e2e",
        "testutil",
        "testutils",
        "test-utils",
        "test_utils",
    }
)
_TEST_FILE = re.compile(
    r"^(?:test_.*\.py|.*_test\.py|conftest\.py|.*_test\.go|.*[._-](?:test|spec)\.[cm]?[jt]sx?|"
    r".*(?:Test|Tests|IT|Spec)\.(?:java|kt|kts|cs|php)|.*_spec\.rb|.*_test\.rb|test_.*\.rb)$"
)


class CodeParser:
    """Source files by extension; Values for literals bound to secret-like names."""

    name = "source-code"

    def variant(self, path: str) -> str:
        """Test files are read differently (a name alone is not reported there), so the
        pipeline must not reuse one blob's result across a test path and a source path."""
        return "test" if is_test_path(path) else "source"

    def claims(self, path: str) -> bool:
        return language_for(path) is not None

    def parse(self, data: bytes, path: str) -> Parsed:
        return self._read(data, path, tree=True)

    def parse_structure(self, data: bytes, path: str) -> Parsed:
        """What the structure alone can report (no plain-text match needs a locator). A test
        file's literals are never reported by name alone, so nothing in it needs the syntax
        tree (parsing is most of a history scan's time in code): its size and binary notes
        stay, and no syntax-error note is made for values nobody reads."""
        return self._read(data, path, tree=not is_test_path(path))

    def _read(self, data: bytes, path: str, *, tree: bool) -> Parsed:
        lang = language_for(path)
        if lang is None:
            return Parsed()
        if len(data) > MAX_SOURCE_BYTES:
            return _only_text(f"{lang.name} source over {MAX_SOURCE_BYTES // 1024 // 1024} MiB: not parsed")
        if b"\x00" in data[:_BINARY_SNIFF]:
            return _only_text(f"binary content in a {lang.name} source path: not parsed")
        if not tree or _LITERAL_NEAR.search(data) is None:
            return Parsed(default_storage=Storage.SOURCE_CODE)
        hints = [m.span() for m in _HINT.finditer(data)] + [m.span() for m in _CAMEL_PASS.finditer(data)]
        if not hints or not _bound_near(data, hints):
            return Parsed(default_storage=Storage.SOURCE_CODE)  # no literal bound near a secret-like word
        return _parse(lang, data, path, hints)


def is_test_path(path: str) -> bool:
    names = parts(path.replace("\\", "/"))
    if any(part.lower() in _TEST_DIRS for part in names[:-1]):
        return True
    return bool(names) and bool(_TEST_FILE.match(names[-1]))


def _only_text(note: str) -> Parsed:
    return Parsed(notes=(note + " (scanned as plain text)",), default_storage=Storage.SOURCE_CODE)


def _parse(lang: Lang, data: bytes, path: str, hints: list[tuple[int, int]]) -> Parsed:
    try:
        from secretscan.sources import code_ts  # lazy: tree-sitter loads only for source files
    except ImportError as exc:  # a broken install: reported, not raised
        return _only_text(f"tree-sitter unavailable ({exc})")
    extracted = code_ts.extract(lang, data, lambda kind, name: judge_name(kind, name) is not None, hints)
    in_test = is_test_path(path)
    values: dict[tuple[int, int], Value] = {}
    for found in extracted.found:
        key = (found.literal.start, found.literal.end)
        if key not in values:
            value = _value(lang, found, in_test)
            if value is not None:
                values[key] = value
    notes: tuple[str, ...] = ()
    if extracted.timed_out:
        notes = (f"{lang.name} source too slow to parse: values may be incomplete (scanned as plain text)",)
    elif extracted.syntax_errors:
        notes = (f"{lang.name} syntax errors: values read from the parts that parse",)
    return Parsed(values=tuple(values.values()), notes=notes, default_storage=Storage.SOURCE_CODE)


def _value(lang: Lang, found: Found, in_test: bool) -> Value | None:
    verdict = judge_name(found.kind, found.name)
    if verdict is None:
        return None
    text = found.literal.text.decode("utf-8", "replace")
    if not text.strip():
        return None
    key, note = verdict
    rejected = value_rejection(text, key)
    if in_test:
        note = "test file: not reported by name alone"
    return Value(
        start=found.literal.start,
        end=found.literal.end,
        locator=f"{lang.name}: {found.locator}",
        storage=Storage.SOURCE_CODE,
        key=key,
        decoded=found.literal.text if found.literal.joined else None,
        secret_by_name=rejected is None and not in_test,
        note=note,
    )


def is_secret_words(words: list[str]) -> bool:
    """``is_secret_name`` plus what is peculiar to code: ``pat`` is a pattern, ``tokenType`` a
    kind, ``get_token`` an action."""
    if not words or words[-1] in _NOT_SECRET_LAST or words[0] in _NOT_SECRET_FIRST:
        return False
    if _NOT_SECRET_ANY.intersection(words):
        return False
    if "pat" in words and not is_secret_name("_".join(w for w in words if w != "pat")):
        return False
    return is_secret_name("_".join(words))


@lru_cache(maxsize=8192)
def judge_name(kind: str, name: str) -> tuple[str, str | None] | None:
    """(key, note) when a binding's name marks a secret, else None."""
    if kind == "kv":
        method, _, key = name.partition(" ")
        low = method.lower()
        if low in _LOOKUP_METHODS and is_secret_words(name_tokens(key)):
            return key, "default value of a lookup"
        return (key, None) if low in _KV_METHODS and is_secret_words(name_tokens(key)) else None
    words = name_tokens(name)
    if kind == "call":
        if len(words) < 2 or words[0] not in _SETTER_PREFIXES:
            return None
        words = words[1:]
    return (name, None) if is_secret_words(words) else None


def value_rejection(text: str, key: str) -> str | None:
    """Why a literal bound to a secret-like name is still not a secret, or None."""
    value = text.strip()
    if len(value) < 4:
        return "too short"
    if len(value.split()) >= 3:
        return "prose"
    if _DOTTED.match(value):
        return "a dotted name"
    if _ENV_NAME.match(value):
        return "names a variable"
    if _FORMAT.search(value) and _FORMAT_REST.fullmatch(_FORMAT.sub("", value)):
        return "a format string"
    words = name_tokens(value)
    if words and set(words) <= _KEY_WORDS | set(name_tokens(key)):
        return "names a key"
    return None
