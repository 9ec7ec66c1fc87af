"""Staged walker: exactly what the next commit would add, read from the index.

The index holds the staged content of every added or modified file; the working-tree copy
may differ (a file edited after `git add`) and is never read. Deleted files add nothing and are
not scanned. Inside a pre-commit hook git points GIT_INDEX_FILE at the index being committed
(even for `git commit -a` or `git commit PATH`), and git reads it from there.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from secretscan.config import Settings
from secretscan.errors import GitError, InputError
from secretscan.model import Provenance, Skipped, SourceKind
from secretscan.sources.base import SourceItem
from secretscan.sources.files import is_excluded
from secretscan.sources.git_common import (
    GITLINK_MODE,
    CatFile,
    Note,
    WalkerItem,
    blob,
    first_line,
    run_git,
    text_or_skip,
)

_ZERO = frozenset({"0" * 40, "0" * 64})


@dataclass(frozen=True, slots=True)
class StagedEntry:
    path: str
    blob_id: str
    mode: str
    status: str


@dataclass(frozen=True)
class StagedSource:
    """Added and modified files as staged, under ``target`` (a repository or a folder in one)."""

    target: Path
    settings: Settings

    def items(self) -> Iterator[WalkerItem]:
        entries = staged_entries(self.target)
        wanted: dict[str, list[StagedEntry]] = {}
        for entry in entries:
            skip = self._skip_reason(entry)
            if skip:
                yield Skipped(entry.path, skip)
            elif not is_excluded(entry.path, self.settings.exclude):
                wanted.setdefault(entry.blob_id, []).append(entry)
        if not entries:
            yield Note("nothing staged: no added or modified file to scan")
        folder = self.target if self.target.is_dir() else self.target.parent
        for oid, data, size in CatFile(folder).read(list(wanted), self.settings.max_file_size):
            yield from self._judge(wanted[oid], oid, data, size)

    def _skip_reason(self, entry: StagedEntry) -> str | None:
        if entry.status == "U":
            return "unmerged (merge conflict not resolved): not scanned"
        if entry.mode == GITLINK_MODE:
            return f"submodule (commit {entry.blob_id[:12]}): not scanned; scan that repository on its own"
        return None

    def _judge(self, entries: list[StagedEntry], oid: str, data: bytes | None, size: int) -> Iterator[SourceItem]:
        first = entries[0].path
        limit = self.settings.max_file_size
        text = text_or_skip(first, oid, data, size, limit, "staged object missing from the repository: not scanned")
        if isinstance(text, Skipped):
            yield text
            return
        for entry in entries:
            yield blob(oid, text), Provenance(SourceKind.STAGED, entry.path)


def staged_entries(target: Path) -> list[StagedEntry]:
    """What `git commit` would record for paths under ``target``: added, modified, type-changed
    and unmerged entries (deletions leave nothing to scan)."""
    if not target.exists():
        raise InputError(f"path not found: {target}")
    folder, spec = (target, ".") if target.is_dir() else (target.parent, target.name)
    out = _diff_index(folder, "HEAD", spec)
    if out.returncode != 0:
        message = first_line(out.stderr)
        if "not a git repository" in message:
            raise GitError(f"--staged needs a git repository: {target} is not in one")
        if "HEAD" not in message:
            raise GitError(f"git diff-index failed in {target}: {message}")
        out = _diff_index(folder, _empty_tree(folder), spec)  # no commit yet: all is new
        if out.returncode != 0:
            raise GitError(f"git diff-index failed in {target}: {first_line(out.stderr)}")
    return parse_raw(out.stdout)


def _diff_index(folder: Path, base: str, spec: str) -> subprocess.CompletedProcess[bytes]:
    return run_git(
        folder, "diff-index", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames",
        "--ignore-submodules=none", base, "--", spec, check=False,
    )


def _empty_tree(folder: Path) -> str:
    out = run_git(folder, "hash-object", "-t", "tree", "/dev/null")
    return out.stdout.decode("ascii").strip()


def parse_raw(raw: bytes) -> list[StagedEntry]:
    fields = raw.split(b"\x00")
    entries: list[StagedEntry] = []
    for meta, path in zip(fields[0::2], fields[1::2]):
        parts = meta.lstrip(b"\n:").decode("ascii").split(" ")
        if len(parts) != 5:
            continue
        _old_mode, new_mode, _old, new, status = parts
        if status[:1] == "D" or (new in _ZERO and status[:1] != "U"):
            continue  # deleted, or an intent-to-add entry with nothing staged yet
        entries.append(StagedEntry(os.fsdecode(path), new, new_mode, status[:1]))
    return entries
