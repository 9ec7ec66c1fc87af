"""Dockerfiles without baked-in secrets: build-time values become BuildKit secret mounts
(``RUN --mount=type=secret,id=...,env=VAR`` for the RUN instructions that use them, or
``target=<path>`` for a credential file that was copied in), run-time values are injected when
the container starts (``docker run --env``, a Kubernetes ``secretKeyRef``), and the value itself
leaves the file. Written per Dockerfile: the patched file, and the build and run commands that
fetch each value from the backend at that moment (never stored, never on a command line).

How each finding is taken out:

* ``ENV``/``ARG``/``LABEL NAME=value``: the assignment goes (an ``ENV`` read at run time is
  injected then; an ``ARG`` or a build-stage ``ENV`` is mounted into the RUNs that use it).
* a credential inside ``RUN`` (or its heredoc): the value becomes ``${VAR}`` and the RUN gets a
  secret mount defining VAR for that command only.
* a credential in ``HEALTHCHECK``/``CMD``/``ENTRYPOINT``: ``${VAR}``, injected at run time.
* ``COPY``/``ADD`` of a credential file: the instruction goes; later RUNs of the stage mount it.
* ``COPY <<EOF`` writing a credential: ``${VAR}`` and a note to mount the file at run time.

A value whose exact place cannot be told leaves the Dockerfile to a person (listed, not guessed).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from secretscan.remediation.artefact_names import env_name, fetch_command
from secretscan.remediation.artefact_places import apply_edits, line_starts, live_locations, read_source, secret_span
from secretscan.remediation.artefact_render import shell_script
from secretscan.remediation.model import Artefact, PlanContext, PlannedSecret, PlanOptions
from secretscan.sources.dockerfile import Instruction, instructions, shell_words, staged

OUT = "docker"
SYNTAX = "# syntax=docker/dockerfile:1.10"  # secret mounts with env= need the 1.10 frontend
_STORAGES = ("dockerfile-env", "dockerfile-arg", "dockerfile-label", "dockerfile-run", "dockerfile-copy")
_LOCATOR = re.compile(r"^stage=(?P<stage>\S+) (?P<keyword>[A-Z]+) (?P<what>.*)$")
_SYNTAX_LINE = re.compile(r"^#\s*syntax\s*=.*$", re.MULTILINE)


@dataclass
class Mount:
    id: str
    env: str = ""
    target: str = ""

    def flag(self) -> str:
        where = f"env={self.env}" if self.env else f"target={self.target}"
        return f"--mount=type=secret,id={self.id},{where}"


@dataclass
class DockerPlan:
    """What to change in one Dockerfile."""

    path: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)
    mounts: dict[int, list[Mount]] = field(default_factory=dict)  # RUN (index) -> mounts
    build: dict[str, PlannedSecret] = field(default_factory=dict)  # secret id -> build-time secret
    files: dict[str, tuple[str, PlannedSecret]] = field(default_factory=dict)  # secret id -> (file it stood for, secret)
    runtime: dict[str, PlannedSecret] = field(default_factory=dict)  # env -> run-time secret
    notes: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    drops: dict[int, set[str]] = field(default_factory=dict)  # ENV/ARG/LABEL (index) -> names whose assignment goes
    fingerprints: list[str] = field(default_factory=list)

    def mount(self, run: int, m: Mount) -> None:
        if all(x.id != m.id for x in self.mounts.setdefault(run, [])):
            self.mounts[run].append(m)


def generate(ctx: PlanContext) -> list[Artefact]:
    found = findings_by_file(ctx)
    out: list[Artefact] = []
    for path in sorted(found):
        out += dockerfile_artefacts(ctx, path, found[path])
    return out


def findings_by_file(ctx: PlanContext) -> dict[str, list[tuple[PlannedSecret, Mapping[str, Any]]]]:
    """Each Dockerfile's live findings, with the location that names each."""
    found: dict[str, list[tuple[PlannedSecret, Mapping[str, Any]]]] = {}
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            if loc.get("storage") in _STORAGES and str(loc.get("locator", "")).startswith("stage="):
                found.setdefault(str(loc["path"]), []).append((ps, loc))
    return found


def plan_file(path: str, text: str, found: list[tuple[PlannedSecret, Mapping[str, Any]]]) -> tuple[DockerPlan, list[Instruction]]:
    """How each finding of one Dockerfile is taken out (``plan.manual`` lists what cannot be)."""
    plan = DockerPlan(path)
    ins = staged(instructions(text))
    for ps, loc in found:
        take_out(plan, text, ins, ps, loc)
    return plan, ins


def dockerfile_artefacts(ctx: PlanContext, path: str, found: list[tuple[PlannedSecret, Mapping[str, Any]]]) -> list[Artefact]:
    text = read_source(ctx, path)
    fps = tuple(dict.fromkeys(ps.fingerprint for ps, _ in found))
    if text is None:
        return [manual_artefact(path, ["the plan has no access to the scanned file"], fps)]
    plan, ins = plan_file(path, text, found)
    if plan.manual:
        return [manual_artefact(path, plan.manual, fps)]
    patched = render(text, ins, plan)
    return [
        Artefact(f"{OUT}/{path}", patched, "dockerfile", f"{path} without secrets: BuildKit secret mounts and run-time injection", fps),
        commands_artefact(ctx.options, plan, fps),
    ]


def manual_artefact(path: str, why: list[str], fps: tuple[str, ...]) -> Artefact:
    lines = [f"{path}: edit by hand, the plan could not take every value out safely:"] + [f"- {w}" for w in why]
    return Artefact(f"{OUT}/{path}.MANUAL.txt", "\n".join(lines) + "\n", "dockerfile-manual", f"{path}: manual changes needed", fps)


# ---------------------------------------------------------------- locating


def instruction_at(ins: list[Instruction], text: str, offset: int) -> int | None:
    """Index of the instruction whose text (or heredoc body) holds ``offset``."""
    for i, one in enumerate(ins):
        start, end = bounds(text, one)
        if start <= offset < end:
            return i
    return None


def bounds(text: str, one: Instruction) -> tuple[int, int]:
    """The instruction's whole lines: from its keyword's line to the end of its last line."""
    start = text.rfind("\n", 0, one.offsets[0] if one.offsets else 0) + 1
    last = max([one.offsets[-1] + 1 if one.offsets else start] + [h.end for h in one.heredocs])
    end = text.find("\n", last)
    return start, (len(text) if end < 0 else end + 1)


def take_out(plan: DockerPlan, text: str, ins: list[Instruction], ps: PlannedSecret, loc: Mapping[str, Any]) -> None:
    m = _LOCATOR.match(str(loc.get("locator", "")))
    starts = line_starts(text)
    line, column = int(loc.get("line", 0)), int(loc.get("column", 0))
    offset = starts[line - 1] + column - 1 if 1 <= line <= len(starts) else -1
    index = instruction_at(ins, text, offset)
    if m is None or index is None:
        plan.manual.append(f"line {line}: {loc.get('locator', '?')}: not found in the file")
        return
    plan.fingerprints.append(ps.fingerprint)
    keyword, what, storage = m.group("keyword"), m.group("what"), loc.get("storage")
    var, sid = env_name(ps.env_var), secret_id(ps)
    if storage in ("dockerfile-env", "dockerfile-arg", "dockerfile-label"):
        drop_assignment(plan, text, ins, index, what.split(" ", 1)[0], ps)
    elif storage == "dockerfile-copy" and "<<" not in what:
        drop_copy(plan, text, ins, index, ps)
    else:
        span = secret_span(text, starts, loc, ps.preview)
        if span is None:
            plan.manual.append(f"line {line}: {loc.get('locator', '?')}: the value cannot be located exactly")
            return
        plan.edits.append((span[0], span[1], "${" + var + "}"))
        if keyword == "RUN":
            plan.mount(index, Mount(sid, env=var))
            plan.build[sid] = ps
        elif keyword == "COPY":
            plan.runtime[var] = ps
            plan.notes.append(f"{keyword} at line {line} writes a credential file into the image: mount it at run time instead")
        else:
            plan.runtime[var] = ps
            plan.notes.append(f"{keyword} at line {line} reads {var} at run time: an exec-form command does not expand it (use the shell form)")


def secret_id(ps: PlannedSecret) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "-", ps.name.lower()).strip("-") or "secret"


def drop_assignment(plan: DockerPlan, text: str, ins: list[Instruction], index: int, name: str, ps: PlannedSecret) -> None:
    """Remove ``name=value`` (or the whole legacy ``ENV name value``) from the instruction; the
    RUNs of the stage that read it get it from a secret mount, a final-stage ENV at run time."""
    one = ins[index]
    plan.drops.setdefault(index, set()).add(name)
    used = runs_reading(ins, index, name)
    var = env_name(name)
    for run in used:
        plan.mount(run, Mount(secret_id(ps), env=var))
    if used:
        plan.build[secret_id(ps)] = ps
    if one.keyword == "ENV" and one.final:
        plan.runtime[var] = ps
    if one.keyword == "LABEL":
        plan.notes.append(f"LABEL {name} removed: image metadata is readable by anyone who can pull the image")


def assignment_edits(text: str, one: Instruction, names: set[str]) -> list[tuple[int, int, str]]:
    """The spans that take ``name=value`` words out of one instruction, and nothing else: the
    other assignments keep their bytes (quoting, continuation lines, indentation). With no word
    left (or the legacy ``ENV name value`` form) the instruction's lines go."""
    words = shell_words(one.text)
    texts = [one.text[a:b] for a, b in words]
    legacy = one.keyword == "ENV" and bool(texts) and "=" not in texts[0]
    kept = [i for i, w in enumerate(texts) if strip_quotes(w.partition("=")[0]) not in names]
    if legacy or not kept:
        start, end = bounds(text, one)
        return [(start, end, "")]
    first = kept[0]
    spans = [(one.offsets[words[0][0]], one.offsets[words[first][0]])] if first > 0 else []
    for i in range(first + 1, len(words)):
        if i not in kept:  # from the end of the word before it to its own end
            spans.append((one.offsets[words[i - 1][1] - 1] + 1, one.offsets[words[i][1] - 1] + 1))
    return [(a, b, "") for a, b in merge_spans(spans)]


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def strip_quotes(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'" else word


def runs_reading(ins: list[Instruction], index: int, name: str) -> list[int]:
    """Later RUNs of the same stage whose command (or heredoc) reads ``$name``."""
    ref = re.compile(r"\$(?:\{" + re.escape(name) + r"(?:[:}])|" + re.escape(name) + r"(?![A-Za-z0-9_]))")
    stage = ins[index].stage
    out = []
    for j in range(index + 1, len(ins)):
        if ins[j].keyword == "FROM":
            break
        if ins[j].keyword == "RUN" and ins[j].stage == stage and ref.search(ins[j].text + "".join(h.word for h in ins[j].heredocs)):
            out.append(j)
    return out


def drop_copy(plan: DockerPlan, text: str, ins: list[Instruction], index: int, ps: PlannedSecret) -> None:
    """A credential file copied in: the instruction goes; the stage's later RUNs mount it where
    it was copied to (at run time, mount it as a volume)."""
    one = ins[index]
    words = [strip_quotes(one.text[a:b]) for a, b in shell_words(one.text) if not one.text[a:b].startswith("--")]
    if len(words) < 2:
        plan.manual.append(f"{one.keyword} {one.text.strip()}: destination not understood")
        return
    source, dest = words[0], words[-1]
    if dest.endswith("/"):
        dest += PurePosixPath(source).name
    start, end = bounds(text, one)
    plan.edits.append((start, end, ""))
    sid = secret_id(ps)
    plan.files[sid] = (source, ps)
    runs = [j for j in range(index + 1, len(ins)) if ins[j].keyword == "RUN" and ins[j].stage == one.stage]
    for run in runs:
        plan.mount(run, Mount(sid, target=dest))
    if not runs:
        plan.notes.append(f"{source} was copied to {dest}: mount it there at run time (a secret volume), it is not baked in any more")


# ---------------------------------------------------------------- rendering


def render(text: str, ins: list[Instruction], plan: DockerPlan) -> str:
    return apply_edits(text, render_edits(text, ins, plan))


def render_edits(text: str, ins: list[Instruction], plan: DockerPlan) -> list[tuple[int, int, str]]:
    """Every change to the Dockerfile as spans of the original text (none overlapping): the
    values and assignments taken out, the mounts added to RUNs, the syntax line and the notes."""
    edits = sorted(set(plan.edits))
    for index, names in sorted(plan.drops.items()):
        edits += assignment_edits(text, ins[index], names)
    for run, mounts in plan.mounts.items():
        at = ins[run].offsets[0]
        edits.append((at, at, " ".join(m.flag() for m in mounts) + " "))
    head = ""  # inserted at the very start
    syntax = _SYNTAX_LINE.match(text)
    first_is_syntax = text.split("\n", 1)[0].startswith("# syntax")
    if any(m.env for ms in plan.mounts.values() for m in ms):
        if syntax:
            edits.append((0, syntax.end(), SYNTAX))
        else:
            head = SYNTAX + "\n"
        first_is_syntax = True
    if plan.notes:
        notes = "".join(f"# secretscan: {n}\n" for n in dict.fromkeys(plan.notes))
        if head or not first_is_syntax:
            head += notes
        else:
            newline = text.find("\n")
            edits.append((newline + 1, newline + 1, notes) if newline >= 0 else (len(text), len(text), "\n" + notes))
    if head:
        edits.append((0, 0, head))
    return edits


def file_var(sid: str) -> str:
    return "SECRET_FILE_" + re.sub(r"[^A-Z0-9]+", "_", sid.upper()).strip("_")


def commands_artefact(options: PlanOptions, plan: DockerPlan, fps: tuple[str, ...]) -> Artefact:
    folder = str(PurePosixPath(plan.path).parent)
    lines = []
    for sid, ps in sorted(plan.build.items()):
        var = next((m.env for ms in plan.mounts.values() for m in ms if m.id == sid and m.env), env_name(ps.env_var))
        lines.append(f'export {var}="$({fetch_command(ps, options)})"')
    for sid, (source, ps) in sorted(plan.files.items()):
        lines.append(f"# {sid}: {source} leaves the repository and the build context; its content is fetched to a private file")
        lines += [f'{file_var(sid)}="$(mktemp)"', f'{fetch_command(ps, options)} > "${file_var(sid)}"']
    secrets = [f"--secret id={sid},env={next((m.env for ms in plan.mounts.values() for m in ms if m.id == sid and m.env), '')}" for sid in sorted(plan.build)]
    secrets += [f'--secret id={sid},src="${file_var(sid)}"' for sid in sorted(plan.files)]
    build = ["DOCKER_BUILDKIT=1 docker build", *secrets, f"-f {shlex.quote(plan.path)}", "-t IMAGE", shlex.quote(folder or ".")]
    lines += ["", " \\\n    ".join(build), ""]
    if plan.runtime:
        lines.append("# at run time (Kubernetes: env valueFrom.secretKeyRef, see kubernetes/external-secrets):")
        for var, ps in sorted(plan.runtime.items()):
            lines.append(f'export {var}="$({fetch_command(ps, options)})"')
        lines.append("docker run " + " ".join(f"--env {var}" for var in sorted(plan.runtime)) + " IMAGE")
    header = [
        f"Build and run {plan.path} with its secrets fetched from {options.backend.value} at that moment.",
        "The values live only in this shell's environment: never in the image, its history or a command line.",
    ]
    return Artefact(
        path=f"{OUT}/{plan.path}.build.sh",
        content=shell_script(lines, header),
        kind="docker-build",
        description=f"docker build with BuildKit secrets and docker run with injected env for {plan.path}",
        fingerprints=fps,
    )
