"""Credentials written into shell commands: Dockerfile RUN, container args, compose commands.

Finds the literal, not the variable: ``curl -u user:pass``, ``--password=x``, ``mysql -px``,
``https://user:token@host``, ``?access_token=x``, ``NPM_TOKEN=x npm ci``,
``echo "//registry.npmjs.org/:_authToken=x" > ~/.npmrc``, ``echo x | docker login --password-stdin``.
Expansions (``$VAR``, ``${VAR}``, ``$(cmd)``) are references and are skipped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secretscan.lazyre import lazy
from secretscan.sources.names import is_credential_file, is_secret_name

_WORD = r"""(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s'";&|<>()`]+))"""
_SEGMENT_BREAK = lazy(r"&&|\|\||[;|\n]")
_URI = lazy(
    r"\b[a-z][a-z0-9+.\-]{1,30}://(?P<user>[^\s:@/?#'\"<>{}]*):(?P<value>[^\s@/?#'\"<>{}]+)@[^\s@/?#'\"<>]+", re.I
)
_QUERY = lazy(r"[?&](?P<name>[A-Za-z_][\w\-]*)=(?P<value>[^&\s'\"#;]+)")
_LONG_FLAG = lazy(r"(?<![\w-])--(?P<name>[A-Za-z][\w\-.]*)(?:=|[ \t]+(?!-))" + _WORD)
_USER_FLAG = lazy(r"(?<![\w-])(?:-u|--user|--proxy-user)(?:=|[ \t]*)" + _WORD)
_HEADER = lazy(r"(?<![\w-])(?:-H|--header)(?:=|[ \t]+)" + r"""(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)')""")
_ASSIGN = lazy(r"(?:(?<=[\s;&|(\"'`:/,{])|^)(?P<name>[A-Za-z_][\w.\-]*)=" + _WORD, re.M)
_SHORT = {
    "mysql": lazy(r"(?<![\w-])-p(?P<bare>[^\s'\"]+)"),
    "mysqladmin": lazy(r"(?<![\w-])-p(?P<bare>[^\s'\"]+)"),
    "mysqldump": lazy(r"(?<![\w-])-p(?P<bare>[^\s'\"]+)"),
    "mariadb": lazy(r"(?<![\w-])-p(?P<bare>[^\s'\"]+)"),
    "docker": lazy(r"(?<![\w-])-p[ \t]+" + _WORD),
    "podman": lazy(r"(?<![\w-])-p[ \t]+" + _WORD),
    "sshpass": lazy(r"(?<![\w-])-p[ \t]*" + _WORD),
    "mongo": lazy(r"(?<![\w-])-p[ \t]+" + _WORD),
    "mongosh": lazy(r"(?<![\w-])-p[ \t]+" + _WORD),
    "mongodump": lazy(r"(?<![\w-])-p[ \t]+" + _WORD),
    "redis-cli": lazy(r"(?<![\w-])-a[ \t]+" + _WORD),
    "keytool": lazy(r"(?<![\w-])-(?:src|dest)?(?:store|key)pass[ \t]+" + _WORD),
    "openssl": lazy(r"\bpass:(?P<bare>[^\s'\"]+)"),
    "htpasswd": lazy(r"(?<![\w-])-\w*b\w*[ \t]+\S+[ \t]+\S+[ \t]+" + _WORD),
}
_ECHO_TO_FILE = lazy(r"\b(?:echo|printf)(?:[ \t]+-[neE]+)*[ \t]+" + _WORD + r"[ \t]*>>?[ \t]*(?P<target>\S+)")
_ECHO_TO_STDIN = lazy(r"\b(?:echo|printf)(?:[ \t]+-[neE]+)*[ \t]+" + _WORD + r"[ \t]*\|[^|\n;&]*--password-stdin")


@dataclass(frozen=True, slots=True)
class CommandSecret:
    """A literal credential in a command: character span within the command text."""

    start: int
    end: int
    what: str  # e.g. "curl -u", "--password", "URL password", "NPM_TOKEN="


def command_secrets(text: str) -> list[CommandSecret]:
    """Literal credentials in ``text``, in order, without overlaps."""
    found: list[CommandSecret] = []
    found += _uri_passwords(text)
    found += _query_tokens(text)
    found += _long_flags(text)
    found += _user_flags(text)
    found += _headers(text)
    found += _short_flags(text)
    found += _assignments(text)
    found += _echoed(text)
    return _without_overlaps(found)


def _value_span(m: re.Match[str]) -> tuple[int, int] | None:
    groups = m.groupdict()
    for group in ("dq", "sq", "bare"):
        if groups.get(group) is not None:
            start, end = m.span(group)
            if end <= start or m.group(group)[:1] in ("$", "`", "-"):
                return None
            return start, end
    return None


def _uri_passwords(text: str) -> list[CommandSecret]:
    return [
        CommandSecret(*m.span("value"), "URL password")
        for m in _URI.finditer(text)
        if not m.group("value").startswith("$")
    ]


def _query_tokens(text: str) -> list[CommandSecret]:
    out = []
    for m in _QUERY.finditer(text):
        if is_secret_name(m.group("name")) and not m.group("value").startswith("$"):
            out.append(CommandSecret(*m.span("value"), f"URL parameter {m.group('name')}"))
    return out


def _long_flags(text: str) -> list[CommandSecret]:
    out = []
    for m in _LONG_FLAG.finditer(text):
        span = _value_span(m)
        if span is not None and is_secret_name(m.group("name")):
            out.append(CommandSecret(*span, f"--{m.group('name')}"))
    return out


def _user_flags(text: str) -> list[CommandSecret]:
    out = []
    for m in _USER_FLAG.finditer(text):
        if _command_at(text, m.start()) not in ("curl", "wget", "http", "httpie"):
            continue
        span = _value_span(m)
        if span is None:
            continue
        value = text[span[0] : span[1]]
        user, colon, password = value.partition(":")
        if colon and password and not password.startswith("$") and password != user:
            out.append(CommandSecret(span[0] + len(user) + 1, span[1], "curl -u"))
    return out


def _headers(text: str) -> list[CommandSecret]:
    out = []
    for m in _HEADER.finditer(text):
        group = "dq" if m.group("dq") is not None else "sq"
        header = m.group(group)
        name, colon, rest = header.partition(":")
        if not colon:
            continue
        offset = m.start(group) + len(name) + 1
        value = rest.lstrip()
        offset += len(rest) - len(value)
        scheme = re.match(r"(?i)(?:bearer|basic|token|apikey|key)\s+", value)
        if name.strip().lower() in ("authorization", "proxy-authorization") and scheme:
            offset += scheme.end()
            value = value[scheme.end() :]
        elif not is_secret_name(name.strip()):
            continue
        value = value.rstrip()
        if value and not value.startswith("$"):
            out.append(CommandSecret(offset, offset + len(value), f"header {name.strip()}"))
    return out


def _short_flags(text: str) -> list[CommandSecret]:
    out = []
    for command, pattern in _SHORT.items():
        if command not in text:
            continue
        for m in pattern.finditer(text):
            if _command_at(text, m.start()) != command:
                continue
            span = _value_span(m)
            if span is not None:
                out.append(CommandSecret(*span, f"{command} password option"))
    return out


def _assignments(text: str) -> list[CommandSecret]:
    out = []
    for m in _ASSIGN.finditer(text):
        span = _value_span(m)
        if span is not None and is_secret_name(m.group("name")):
            out.append(CommandSecret(*span, f"{m.group('name')}="))
    return out


def _echoed(text: str) -> list[CommandSecret]:
    out = []
    for m in _ECHO_TO_FILE.finditer(text):
        span = _value_span(m)
        if span is not None and is_credential_file(m.group("target")):
            out.append(CommandSecret(*span, f"written to {m.group('target')}"))
    for m in _ECHO_TO_STDIN.finditer(text):
        span = _value_span(m)
        if span is not None:
            out.append(CommandSecret(*span, "piped to --password-stdin"))
    return out


def _command_at(text: str, pos: int) -> str:
    """The command word of the shell segment holding ``pos`` (after env assignments, sudo)."""
    start = 0
    for m in _SEGMENT_BREAK.finditer(text, 0, pos):
        start = m.end()
    for word in text[start:pos].split():
        if "=" in word or word in ("sudo", "exec", "env", "time", "nohup", "RUN", "then", "do", "!"):
            continue
        return word.rsplit("/", 1)[-1].strip("\"'")
    return ""


def _without_overlaps(found: list[CommandSecret]) -> list[CommandSecret]:
    """Where two spans overlap keep the first finder's (finders run most specific first)."""
    kept: list[CommandSecret] = []
    for item in found:
        clash = [k for k in kept if item.start < k.end and k.start < item.end]
        if not clash:
            kept.append(item)
    return sorted(kept, key=lambda c: (c.start, c.end))
