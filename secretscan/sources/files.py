"""Working-tree walker: tracked plus untracked-not-ignored files in a git repository,
or every file under the given paths with ``--no-git``."""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from secretscan.config import Settings
from secretscan.errors import InputError
from secretscan.ids import blob_id
from secretscan.model import Blob, Provenance, Skipped, SourceKind
from secretscan.sources.base import SourceItem, as_text

_ALWAYS_SKIP_DIRS = {".git", ".hg", ".svn"}


@dataclass(frozen=True)
class FileSource:
    """Files under ``target``; paths are reported relative to ``root``."""

    target: Path
    settings: Settings

    def items(self) -> Iterator[SourceItem]:
        if not self.target.exists():
            raise InputError(f"path not found: {self.target}")
        root = git_toplevel(self.target) if self.settings.use_git else None
        if root is not None:
            pairs: Iterable[tuple[Path, str]] = ((root / rel, rel) for rel in git_names(root, self.target))
        else:
            root = self.target if self.target.is_dir() else self.target.parent
            pairs = walk(self.target, root, self.settings.exclude)
        for path, rel in pairs:
            if is_excluded(rel, self.settings.exclude):
                continue
            yield from read_file(path, rel, root, self.settings.max_file_size)


def git_toplevel(path: Path) -> Path | None:
    """The enclosing repository's top folder, or None when ``path`` is not in one."""
    cwd = path if path.is_dir() else path.parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None  # no git on PATH: scan as plain files
    if out.returncode != 0:
        return None
    return Path(os.fsdecode(out.stdout.strip())).resolve()


def git_names(root: Path, target: Path) -> Iterator[str]:
    """Tracked files plus untracked files that are not ignored, under ``target``."""
    spec = target.resolve().relative_to(root).as_posix() or "."
    out = subprocess.run(
        ["git", "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", spec],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if out.returncode != 0:
        message = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git ls-files failed in {root}: {message[0] if message else 'unknown error'}")
    seen: set[str] = set()
    for raw in out.stdout.split(b"\x00"):
        name = os.fsdecode(raw)
        if name and name not in seen:  # a conflicted file is listed once per stage
            seen.add(name)
            yield name


def walk(target: Path, root: Path, exclude: Iterable[str] = ()) -> Iterator[tuple[Path, str]]:
    """Files under ``target`` with their paths relative to ``root``; excluded folders are not
    entered at all (a `vendor` or `node_modules` exclude saves the whole walk below it)."""
    if target.is_file() or target.is_symlink():
        yield target, target.relative_to(root).as_posix()
        return
    patterns = tuple(exclude)
    base = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(target, followlinks=False):
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(
            d for d in dirnames if d not in _ALWAYS_SKIP_DIRS and not (patterns and is_excluded(prefix + d, patterns))
        )
        for name in sorted(filenames):
            yield Path(dirpath, name), prefix + name


def is_excluded(rel: str, patterns: Iterable[str]) -> bool:
    """A pattern excludes a path it matches, any folder above it, or (without '/') its name."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pat = pattern.strip("/")
        if "/" not in pat and any(fnmatch.fnmatchcase(p, pat) for p in parts):
            return True
        if any(fnmatch.fnmatchcase(prefix, pat) for prefix in prefixes):
            return True
    return False


def read_file(path: Path, rel: str, root: Path, max_size: int) -> Iterator[SourceItem]:
    """One file as a blob, or the reason it was skipped."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            yield Skipped(rel, "symbolic link points outside the scanned root; not followed")
        return  # a link inside the root: its target is scanned in its own right
    try:
        size = path.stat().st_size
        if size > max_size:
            yield Skipped(rel, f"larger than the size limit ({size} > {max_size} bytes)")
            return
        data = path.read_bytes()
    except FileNotFoundError:
        return  # tracked but deleted from the working tree: nothing to scan
    except IsADirectoryError:
        yield Skipped(rel, "a directory where git expects a file (submodule?); not scanned")
        return
    except OSError as exc:
        yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
        return
    text = as_text(data)
    if text is None:
        yield Skipped(rel, "binary file", blob_id(data))
        return
    yield Blob(blob_id(data), text), Provenance(SourceKind.FILE, rel)
