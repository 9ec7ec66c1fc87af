"""Applying file changes to the working tree, safely.

Every change is judged against the file as it is now: its bytes still hash to what the scan
read (``ready``), already hash to the result (``applied``: a second run changes nothing), or
neither (``stale``: changed since the scan, not touched, reported). A ready change is
re-checked right before it is written (a file edited meanwhile is still left alone), its old
bytes are kept for ``--rollback`` (``Keeper``), and the new bytes replace it atomically.
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from secretscan.apply.atomic import remove, write_atomic
from secretscan.apply.model import Edit, FileChange, Mask, apply, sha256_bytes

READY, APPLIED, STALE, INVALID = "ready", "applied", "stale", "invalid"


@dataclass(frozen=True, slots=True)
class State:
    """Where a change stands against the file on disk."""

    status: str  # ready | applied | stale | invalid
    reason: str = ""
    before: str | None = None  # the current text, when ready


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: str
    kind: str
    status: str  # changed | would-change | applied | stale | failed
    reason: str = ""
    before_sha256: str | None = None
    after_sha256: str | None = None


class Keeper:
    """Where old bytes are kept before a file is replaced (for rollback); returns a reference."""

    def keep(self, path: Path, data: bytes) -> dict[str, str]:  # pragma: no cover - interface
        raise NotImplementedError


def safe_path(root: Path, rel: str) -> Path:
    path = (root / rel).resolve()
    path.relative_to(root.resolve())  # ValueError: outside the root
    return path


def read(root: Path, rel: str) -> bytes | None:
    try:
        path = safe_path(root, rel)
    except ValueError:
        return None
    try:
        return path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def state(root: Path, change: FileChange) -> State:
    try:
        safe_path(root, change.path)
    except ValueError:
        return State(INVALID, "outside the scanned folder")
    if (root / change.path).is_symlink():
        return State(INVALID, "a symbolic link: not followed")
    data = read(root, change.path)
    if change.before_sha256 is None:  # a new file
        content = apply("", change.edits)
        if data is None:
            return State(READY, before="")
        return State(APPLIED) if data == content.encode("utf-8") else State(STALE, "exists already with other content")
    if change.delete:
        if data is None:
            return State(APPLIED)
        ok = sha256_bytes(data) == change.before_sha256
        return State(READY, before="") if ok else State(STALE, "changed since the scan")
    if data is None:
        return State(STALE, "missing (deleted since the scan)")
    digest = sha256_bytes(data)
    if change.untrack:
        tracked = is_tracked(root, change.path)
        if not tracked:
            return State(APPLIED)
        return State(READY, before="") if digest == change.before_sha256 else State(STALE, "changed since the scan")
    if digest != change.before_sha256:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return State(STALE, "changed since the scan")
        return State(APPLIED) if _is_result(text, change) else State(STALE, "changed since the scan")
    try:
        before = data.decode("utf-8")
    except UnicodeDecodeError:
        return State(INVALID, "not UTF-8 text")
    return State(READY, before=before)


def _is_result(text: str, change: FileChange) -> bool:
    """Whether ``text`` is what this change produces (the scan's file already fixed): the
    replacement of every edit stands where the edits put it."""
    if not change.edits:
        return False
    shift = 0
    for e in sorted(change.edits, key=lambda e: e.start):
        at = e.start + shift
        if text[at : at + len(e.replacement)] != e.replacement:
            return False
        shift += len(e.replacement) - (e.end - e.start)
    return True


def is_tracked(root: Path, rel: str) -> bool:
    res = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--error-unmatch", "--", rel],
        capture_output=True, check=False,
    )  # fmt: skip
    return res.returncode == 0


def untrack(root: Path, rel: str) -> None:
    res = subprocess.run(
        ["git", "-C", str(root), "rm", "--cached", "--quiet", "--", rel], capture_output=True, check=False
    )
    if res.returncode != 0:
        lines = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(lines[-1] if lines else "git rm --cached failed")


# ---------------------------------------------------------------- diffs without values


def masked(text: str, masks: Sequence[Mask]) -> str:
    """The text with every masked span shown as its preview."""
    edits = [Edit(m.start, m.end, m.preview) for m in _disjoint(masks)]
    return apply(text, edits)


def _disjoint(masks: Sequence[Mask]) -> list[Mask]:
    out: list[Mask] = []
    for m in sorted(set(masks), key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def diff(change: FileChange, before: str) -> str:
    """A unified diff of the change, values shown only as previews."""
    old = masked(before, change.masks) if before else ""
    if change.delete:
        new_text = ""
    elif change.untrack:
        return f"git rm --cached -- {change.path}  (kept on disk, no longer tracked)\n"
    else:
        new_text = _masked_after(before, change)
    a = f"a/{change.path}" if change.before_sha256 is not None else "/dev/null"
    b = "/dev/null" if change.delete else f"b/{change.path}"
    lines = difflib.unified_diff(old.splitlines(keepends=True), new_text.splitlines(keepends=True), a, b)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _masked_after(before: str, change: FileChange) -> str:
    """The new text with values left outside the edits (there should be none) masked too."""
    edits = list(change.edits)
    covered = [(e.start, e.end) for e in edits]
    for m in _disjoint(change.masks):
        if not any(s <= m.start and m.end <= e for s, e in covered):
            edits.append(Edit(m.start, m.end, m.preview))
    try:
        return apply(before, edits)
    except ValueError:
        return apply(masked(before, change.masks), ())


# ---------------------------------------------------------------- applying


def apply_changes(
    root: Path,
    changes: Sequence[FileChange],
    *,
    write: bool,
    keeper: Keeper | None = None,
    on_written: Callable[[FileChange, FileOutcome, dict[str, str]], None] | None = None,
    on_ready: Callable[[FileChange, str], None] | None = None,
) -> list[FileOutcome]:
    """Judge every change, then (with ``write``) make the ready ones. A failure on one file
    stops there: files already written stay written (each is whole), the rest are reported.
    ``on_ready`` gets each ready change with the file's text as judged (a dry run's diff)."""
    outcomes: list[FileOutcome] = []
    stopped = ""
    for change in changes:
        st = state(root, change)
        if st.status != READY:
            status = "applied" if st.status == APPLIED else "stale" if st.status == STALE else "failed"
            outcomes.append(FileOutcome(change.path, change.kind, status, st.reason))
            continue
        before_text = st.before or ""
        if on_ready is not None:
            on_ready(change, before_text)
        after = change.after_text(before_text) if not change.untrack else None
        after_sha = None if after is None else sha256_bytes(after.encode("utf-8"))
        if not write:
            outcomes.append(FileOutcome(change.path, change.kind, "would-change", "", change.before_sha256, after_sha))
            continue
        if stopped:
            outcomes.append(FileOutcome(change.path, change.kind, "failed", f"not attempted: {stopped}"))
            continue
        try:
            ref = _write_one(root, change, after, keeper)
        except OSError as exc:
            stopped = f"{change.path}: {exc.strerror or exc}"
            outcomes.append(FileOutcome(change.path, change.kind, "failed", str(exc.strerror or exc)))
            continue
        except _Raced as exc:
            outcomes.append(FileOutcome(change.path, change.kind, "stale", str(exc)))
            continue
        outcome = FileOutcome(change.path, change.kind, "changed", "", change.before_sha256, after_sha)
        outcomes.append(outcome)
        if on_written is not None:
            on_written(change, outcome, ref)
    return outcomes


class _Raced(Exception):
    pass


def _write_one(root: Path, change: FileChange, after: str | None, keeper: Keeper | None) -> dict[str, str]:
    path = safe_path(root, change.path)
    current = read(root, change.path)
    if change.before_sha256 is not None and (current is None or sha256_bytes(current) != change.before_sha256):
        raise _Raced("changed while fixing: left untouched")
    if change.before_sha256 is None and current is not None:
        raise _Raced("appeared while fixing: left untouched")
    ref: dict[str, str] = {}
    if current is not None and keeper is not None:
        ref = keeper.keep(path, current)
    if change.untrack:
        untrack(root, change.path)
    elif change.delete:
        remove(path)
    else:
        assert after is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, after.encode("utf-8"))
    return ref
