"""Dockerfiles (and Containerfiles): every build stage, line continuations (and the
``# escape=`` directive), heredocs.

* ``ENV a=b`` and ``ENV a b``, ``ARG name=default``, ``LABEL k=v``: judged by name (or a URI
  password in the value); the note says how the value persists in the image.
* ``RUN`` (and heredoc bodies), ``CMD``, ``ENTRYPOINT``, ``HEALTHCHECK``: literal credentials
  in the command (``curl -u``, ``--password=``, tokens in URLs, ``echo x > ~/.npmrc``...).
* ``COPY``/``ADD`` of a file that holds credentials (``.env``, ``id_rsa``, ``.npmrc``...),
  and ``COPY <<EOF`` heredocs writing secrets into the image.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from secretscan.model import Storage
from secretscan.sources.cmdline import command_secrets
from secretscan.sources.kv import Place, assignment
from secretscan.sources.names import is_credential_file
from secretscan.sources.parser_paths import is_dockerfile_path
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text

MAX_PARSE_BYTES = 2 << 20
COPY_RULE = "secretscan.dockerfile.copied-credential-file"
RUN_RULE = "secretscan.dockerfile.run-credential"
ENV_NOTE = "ENV persists in every later image layer, the image config and `docker history`; inject it at run time"
STAGE_ENV_NOTE = "ENV in build stage '{stage}': kept in that stage's image and in the build cache"
ARG_NOTE = "ARG defaults are recorded in the image history (`docker history`); use `RUN --mount=type=secret`"
LABEL_NOTE = "LABELs are image metadata: `docker inspect` shows them to anyone who can pull the image"
RUN_NOTE = "RUN commands are recorded verbatim in `docker history --no-trunc`; use `RUN --mount=type=secret`"
CONFIG_NOTE = "{keyword} is stored in the image config (`docker inspect`)"
COPY_NOTE = "the file is stored in an image layer; deleting it in a later layer does not remove it"
HEREDOC_NOTE = "written into the image by a COPY heredoc: stored in an image layer"

_HEREDOC = re.compile(r"<<(?P<dash>-?)(?P<q>[\"']?)(?P<word>[A-Za-z_][\w.-]*)(?P=q)")
_FLAG = re.compile(r"--[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|\S*))?")
_KV_LINE = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<key>[^\s=:#][^\s=]*?)[ \t]*(?:=|:[ \t])[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?$", re.M
)


@dataclass
class Heredoc:
    word: str
    start: int  # characters of the body in the file
    end: int


@dataclass
class Instruction:
    keyword: str
    text: str  # the arguments, continuation lines joined
    offsets: list[int]  # file character offset of each character of ``text``
    heredocs: list[Heredoc] = field(default_factory=list)
    stage: str = ""
    final: bool = True

    def span(self, start: int, end: int) -> tuple[int, int]:
        """File character span of ``text[start:end]``."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


class DockerfileParser:
    name = "dockerfile"

    def claims(self, path: str) -> bool:
        return is_dockerfile_path(path)

    def parse(self, data: bytes, path: str) -> Parsed:
        if len(data) > MAX_PARSE_BYTES:
            return Parsed(notes=("too large to parse: scanned as plain text",), default_storage=Storage.DOCKERFILE_RUN)
        text = Text(data)
        values: list[Value] = []
        for instruction in staged(instructions(text.text)):
            values += instruction_values(text, instruction)
        return Parsed(values=tuple(values), default_storage=Storage.DOCKERFILE_RUN)


# ---------------------------------------------------------------- lexing


def instructions(source: str) -> list[Instruction]:
    escape = _escape_directive(source)
    out: list[Instruction] = []
    lines = _lines(source)
    i = 0
    while i < len(lines):
        start, end = lines[i]
        line = source[start:end]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        instruction, i = _instruction(source, lines, i, escape)
        if instruction is not None:
            i = _heredocs(source, lines, i, instruction)
            out.append(instruction)
    return out


def _lines(source: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in source.split("\n"):
        end = pos + len(line)
        out.append((pos, end - 1 if line.endswith("\r") else end))
        pos = end + 1
    return out


def _escape_directive(source: str) -> str:
    for line in source.split("\n"):
        m = re.match(r"^\s*#\s*(\w+)\s*=\s*(\S+)\s*$", line)
        if m is None:
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("`", "\\"):
            return m.group(2)
    return "\\"


def _instruction(source: str, lines: list[tuple[int, int]], i: int, escape: str) -> tuple[Instruction | None, int]:
    start, end = lines[i]
    lead = len(source[start:end]) - len(source[start:end].lstrip())
    m = re.match(r"[A-Za-z]+", source[start + lead : end])
    if m is None:
        return None, i + 1
    keyword = m.group(0).upper()
    chars: list[str] = []
    offsets: list[int] = []
    pos = start + lead + m.end()
    while pos < end and source[pos] in " \t":
        pos += 1
    while True:
        segment_end = end
        continued = False
        body = source[pos:end].rstrip(" \t")
        if body.endswith(escape) and not body.endswith(escape * 2):
            segment_end = pos + len(body) - 1
            continued = True
        for j in range(pos, segment_end):
            chars.append(source[j])
            offsets.append(j)
        i += 1
        if not continued:
            break
        while i < len(lines) and _skippable(source, lines[i]):
            i += 1
        if i >= len(lines):
            break
        pos, end = lines[i]
    return Instruction(keyword, "".join(chars), offsets), i


def _skippable(source: str, line: tuple[int, int]) -> bool:
    """Comment and empty lines inside a continued instruction are dropped by the builder."""
    stripped = source[line[0] : line[1]].strip()
    return not stripped or stripped.startswith("#")


def _heredocs(source: str, lines: list[tuple[int, int]], i: int, instruction: Instruction) -> int:
    if instruction.keyword not in ("RUN", "COPY", "ADD"):
        return i
    for m in _HEREDOC.finditer(instruction.text):
        body_start = lines[i][0] if i < len(lines) else len(source)
        while i < len(lines):
            line = source[lines[i][0] : lines[i][1]]
            candidate = line.lstrip("\t") if m.group("dash") else line
            i += 1
            if candidate == m.group("word"):
                instruction.heredocs.append(Heredoc(m.group("word"), body_start, max(body_start, lines[i - 1][0] - 1)))
                break
        else:
            instruction.heredocs.append(Heredoc(m.group("word"), body_start, len(source)))
    return i


def staged(found: list[Instruction]) -> list[Instruction]:
    """Name each instruction's stage (its ``AS`` name or index) and mark the final stage."""
    index = -1
    stage = "global"
    for instruction in found:
        if instruction.keyword == "FROM":
            index += 1
            m = re.search(r"\s[Aa][Ss]\s+(\S+)\s*$", " " + instruction.text)
            stage = m.group(1) if m else str(index)
        instruction.stage = stage
        instruction.final = False
    last = next((k for k in range(len(found) - 1, -1, -1) if found[k].keyword == "FROM"), -1)
    for instruction in found[last:] if last >= 0 else found:
        instruction.final = True
    return found


# ---------------------------------------------------------------- values


def instruction_values(text: Text, ins: Instruction) -> list[Value]:
    keyword = ins.keyword
    if keyword == "ONBUILD":
        m = re.match(r"\s*([A-Za-z]+)\s*", ins.text)
        if m is None:
            return []
        inner = Instruction(
            m.group(1).upper(), ins.text[m.end() :], ins.offsets[m.end() :], ins.heredocs, ins.stage, ins.final
        )
        return instruction_values(text, inner)
    if keyword == "ENV":
        note = ENV_NOTE if ins.final else STAGE_ENV_NOTE.format(stage=ins.stage)
        return assignments(text, ins, Storage.DOCKERFILE_ENV, note, legacy=True)
    if keyword == "ARG":
        return assignments(text, ins, Storage.DOCKERFILE_ARG, ARG_NOTE, legacy=False)
    if keyword == "LABEL":
        return assignments(text, ins, Storage.DOCKERFILE_LABEL, LABEL_NOTE, legacy=False)
    if keyword == "RUN":
        return run_values(text, ins)
    if keyword in ("CMD", "ENTRYPOINT"):
        return command_values(text, ins, 0, CONFIG_NOTE.format(keyword=keyword))
    if keyword == "HEALTHCHECK":
        m = re.match(r"(?:\s*--[\w-]+=\S+)*\s*CMD\s+", ins.text, re.I)
        return command_values(text, ins, m.end(), CONFIG_NOTE.format(keyword=keyword)) if m else []
    if keyword in ("COPY", "ADD"):
        return copy_values(text, ins)
    return []


def _place(ins: Instruction, storage: Storage, what: str, note: str, rule: str = "") -> Place:
    return Place(storage, f"stage={ins.stage} {ins.keyword} {what}".rstrip(), "", note, rule)


def assignments(text: Text, ins: Instruction, storage: Storage, note: str, legacy: bool) -> list[Value]:
    """``K=V ...`` pairs; with ``legacy``, ``ENV K V`` (the rest of the line is the value)."""
    words = shell_words(ins.text)
    if not words:
        return []
    out: list[Value] = []
    if legacy and "=" not in ins.text[words[0][0] : words[0][1]]:
        key = ins.text[words[0][0] : words[0][1]]
        if len(words) < 2:
            return []
        start, end = words[1][0], len(ins.text.rstrip())
        raw = ins.text[start:end]
        logical = _unquote(raw) if len(words) == 2 else raw
        inner = _quoted_inner(raw) if len(words) == 2 else None
        if inner is not None:
            start, end = start + inner[0], start + inner[1]
        return _judge(text, ins, key, start, end, logical, _place(ins, storage, key, note))
    for word_start, word_end in words:
        raw = ins.text[word_start:word_end]
        key, equals, value = raw.partition("=")
        if not equals:
            continue
        start = word_start + len(key) + 1
        end = word_end
        inner = _quoted_inner(value)
        if inner is not None:
            start, end = start + inner[0], start + inner[1]
        key = _unquote(key)
        out += _judge(text, ins, key, start, end, _unquote(value), _place(ins, storage, key, note))
    return out


def _judge(text: Text, ins: Instruction, key: str, start: int, end: int, logical: str, place: Place) -> list[Value]:
    if end <= start:
        return []
    file_start, file_end = ins.span(start, end)
    exact = text.text[file_start:file_end] == logical
    return assignment(text, file_start, file_end, key, place, logical=None if exact else logical)


def run_values(text: Text, ins: Instruction) -> list[Value]:
    pos = 0
    while True:  # RUN --mount=... --network=... flags come first
        m = _FLAG.match(ins.text, pos)
        if m is None:
            break
        pos = m.end()
        while pos < len(ins.text) and ins.text[pos] in " \t":
            pos += 1
    out = command_values(text, ins, pos, RUN_NOTE)
    for heredoc in ins.heredocs:
        body = text.text[heredoc.start : heredoc.end]
        for found in command_secrets(body):
            place = _place(ins, Storage.DOCKERFILE_RUN, f"heredoc <<{heredoc.word} ({found.what})", RUN_NOTE)
            start, end = heredoc.start + found.start, heredoc.start + found.end
            out += _credential(text, start, end, found.what, place)
    return out


def command_values(text: Text, ins: Instruction, offset: int, note: str) -> list[Value]:
    command = ins.text[offset:]
    exec_form = _exec_form(command)
    out: list[Value] = []
    for found in command_secrets(command if exec_form is None else exec_form):
        if exec_form is not None and exec_form != command:
            located = _locate_in(command, exec_form, found.start, found.end)
            if located is None:
                continue
            start, end = located
        else:
            start, end = found.start, found.end
        file_start, file_end = ins.span(offset + start, offset + end)
        place = _place(ins, Storage.DOCKERFILE_RUN, f"({found.what})", note, RUN_RULE)
        out += _credential(text, file_start, file_end, found.what, place)
    return out


def _credential(text: Text, start: int, end: int, what: str, place: Place) -> list[Value]:
    return [
        replace(v, secret_by_name=True) for v in assignment(text, start, end, what, place, named=True) if not v.safe
    ]


def _exec_form(command: str) -> str | None:
    """``["sh", "-c", "..."]``: the arguments joined by spaces, or None for shell form."""
    stripped = command.strip()
    if not stripped.startswith("["):
        return None
    try:
        parts = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        return None
    return " ".join(parts)


def _locate_in(command: str, joined: str, start: int, end: int) -> tuple[int, int] | None:
    piece = joined[start:end]
    found = command.find(piece)
    return None if found < 0 or not piece else (found, found + len(piece))


def copy_values(text: Text, ins: Instruction) -> list[Value]:
    words = [w for w in shell_words(ins.text) if not ins.text[w[0] : w[1]].startswith("--")]
    exec_form = _exec_form(ins.text)
    out: list[Value] = []
    if exec_form is None and len(words) >= 2:
        for start, end in words[:-1]:
            source = _unquote(ins.text[start:end])
            if source.startswith("<<"):
                continue
            if is_credential_file(source):
                place = _place(ins, Storage.DOCKERFILE_COPY, source, COPY_NOTE, COPY_RULE)
                file_start, file_end = ins.span(start, end)
                out.append(_copied(text, file_start, file_end, source, place))
    for found in command_secrets(ins.text):
        if found.what == "URL password":
            place = _place(ins, Storage.DOCKERFILE_COPY, "(URL password)", COPY_NOTE, RUN_RULE)
            out += _credential(text, *ins.span(found.start, found.end), found.what, place)
    target = _unquote(ins.text[words[-1][0] : words[-1][1]]) if words else ""
    for heredoc in ins.heredocs:
        out += heredoc_file(text, ins, heredoc, target)
    return out


def _copied(text: Text, start: int, end: int, source: str, place: Place) -> Value:
    return Value(
        start=text.byte(start),
        end=text.byte(end),
        locator=place.locator,
        storage=place.storage,
        key=source,
        secret_by_name=True,
        note=place.note,
        rule=place.rule,
    )


def heredoc_file(text: Text, ins: Instruction, heredoc: Heredoc, target: str) -> list[Value]:
    """A file written by ``COPY <<EOF <target>``: its ``key=value`` lines judged by name."""
    body = text.text[heredoc.start : heredoc.end]
    out: list[Value] = []
    for m in _KV_LINE.finditer(body):
        key = m.group("key")
        start, end = heredoc.start + m.start("value"), heredoc.start + m.end("value")
        value = m.group("value")
        inner = _quoted_inner(value)
        if inner is not None:
            start, end = start + inner[0], start + inner[1]
        place = _place(ins, Storage.DOCKERFILE_COPY, f"<<{heredoc.word} {target} {key}", HEREDOC_NOTE, RUN_RULE)
        out += assignment(text, start, end, key, place)
    return out


# ---------------------------------------------------------------- words


def shell_words(text: str) -> list[tuple[int, int]]:
    """Spans of whitespace-separated words; quotes and backslash escapes keep a word whole."""
    words = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        start = i
        quote = ""
        while i < n:
            c = text[i]
            if quote:
                if c == "\\" and quote == '"' and i + 1 < n:
                    i += 2
                    continue
                if c == quote:
                    quote = ""
            elif c in "\"'":
                quote = c
            elif c == "\\" and i + 1 < n:
                i += 2
                continue
            elif c in " \t\r\n":
                break
            i += 1
        words.append((start, i))
    return words


def _quoted_inner(raw: str) -> tuple[int, int] | None:
    """(1, len-1) when ``raw`` is one quoted string, else None."""
    if len(raw) >= 2 and raw[0] in "\"'" and raw[-1] == raw[0] and raw[0] not in raw[1:-1].replace("\\" + raw[0], ""):
        return 1, len(raw) - 1
    return None


def _unquote(raw: str) -> str:
    out = []
    quote = ""
    i = 0
    while i < len(raw):
        c = raw[i]
        if quote:
            if c == "\\" and quote == '"' and i + 1 < len(raw) and raw[i + 1] in '"\\$`':
                out.append(raw[i + 1])
                i += 2
                continue
            if c == quote:
                quote = ""
            else:
                out.append(c)
        elif c in "\"'":
            quote = c
        elif c == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)
