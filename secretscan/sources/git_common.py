"""Git plumbing shared by the history and staged walkers.

Every call goes through ``git`` itself (the plumbing commands are the fastest way to read a
repository from Python, see benchmarks/history.py), with a fixed environment: no pager, no
prompts, no lazy fetching of missing objects in partial clones, paths printed raw.
Blob contents stream through one long-lived ``git cat-file --batch`` process per walker.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Union

from secretscan.errors import GitError, InputError
from secretscan.model import Blob, BlobId, Provenance, Skipped

GITLINK_MODE = "160000"
SYMLINK_MODE = "120000"
LFS_POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
LFS_POINTER_MAX = 1024  # git-lfs never writes a pointer file larger than this

_READ_CHUNK = 1 << 20
# Keep the reader's memory bounded: smaller pack windows (mapped pages count as resident) and
# delta-base cache than git's defaults (1 GiB windows, 96 MiB). Blobs are read in pack order,
# so delta bases are reused at once: reading 437 MB of blobs took 2.15 s with these limits
# (76 MB resident) and 2.28 s with 64m/48m (131 MB).
_READER_LIMITS = ("-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=32m",
                  "-c", "core.deltaBaseCacheLimit=24m")
# Every other git command (git log walks every tree of the history) gets bounded pack windows
# too: git's defaults map a whole pack and keep 96 MiB of delta bases. On a 107 MB pack,
# `git log --all --raw` took 189 MB with the defaults and 56 MB with these, in the same 0.5 s.
_COMMAND_LIMITS = ("-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=64m",
                   "-c", "core.deltaBaseCacheLimit=8m")


@dataclass(frozen=True, slots=True)
class Note:
    """Something the reader of a report must know about how the scan went (not a skip)."""

    text: str


@dataclass(frozen=True, slots=True)
class Plan:
    """What a walker is about to read: lets a progress bar show totals."""

    blobs: int
    nbytes: int


@dataclass(frozen=True, slots=True)
class Prepare:
    """A long read follows (a whole history): start the worker processes now, while the walker
    enumerates, rather than once content arrives."""


@dataclass(frozen=True, slots=True)
class Occurrences:
    """One blob's content with every place it was seen (the pipeline scans it once)."""

    blob: Blob
    provenances: tuple[Provenance, ...]


@dataclass(frozen=True, slots=True)
class Ahead:
    """Content read before its places are known (a history's tip while ``git log`` still runs):
    the pipeline analyses it as if it were at ``provenance`` and keeps the result, unreported,
    for a ``Seen`` to claim. Content sent ahead and never claimed is reported by nothing."""

    blob: Blob
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Seen:
    """The places of content sent ``Ahead``, every one of them at the path it was analysed
    under (its analysis depends on the content and the path only): the pipeline reports the
    kept result there, as an ``Occurrences`` at this point of the stream would have been."""

    blob_id: BlobId
    provenances: tuple[Provenance, ...]


WalkerItem = Union[tuple[Blob, Provenance], Skipped, Occurrences, Note, Plan, Prepare, Ahead, Seen]
"""What a walker yields: the base SourceItem (content at one place, or a skip), or content with
every place it was seen, a note for the report, a plan for the progress bar, a hint to get
the workers ready, content read ahead of its places and those places."""


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_NO_LAZY_FETCH="1",  # a partial clone's missing objects are reported, never fetched
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        LC_ALL="C",
    )
    return env  # GIT_DIR and GIT_INDEX_FILE are kept: inside a hook they name what to read


def git_command(repo: Path, *args: str) -> list[str]:
    return ["git", "-C", str(repo), "-c", "core.quotepath=off", "-c", "color.ui=never", *_COMMAND_LIMITS, *args]


def run_git(
    repo: Path, *args: str, check: bool = True, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run one git command and return its output; a failure is a GitError with git's message."""
    try:
        out = subprocess.run(git_command(repo, *args), input=input, capture_output=True, env=git_env(), check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if check and out.returncode != 0:
        raise GitError(f"git {args[0]} failed in {repo}: {first_line(out.stderr)}")
    return out


def first_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    return (fatal or lines or ["unknown error"])[0]


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """Where a repository is and what kind it is."""

    path: Path  # what the user named: the top-level folder, a folder inside it, or a bare repo
    git_dir: Path
    toplevel: Path | None  # None for a bare repository
    shallow: bool


def open_repo(path: Path) -> RepoInfo:
    """The repository at ``path``, or an InputError saying it is not one."""
    if not path.exists():
        raise InputError(f"path not found: {path}")
    folder = path if path.is_dir() else path.parent
    out = run_git(folder, "rev-parse", "--absolute-git-dir", "--is-shallow-repository", "--is-bare-repository", check=False)
    if out.returncode != 0:
        raise GitError(f"not a git repository: {path} ({first_line(out.stderr)})")
    git_dir, shallow, bare = out.stdout.decode().splitlines()[:3]
    top = None
    if bare != "true":
        top_out = run_git(folder, "rev-parse", "--show-toplevel", check=False)
        if top_out.returncode == 0:
            top = Path(os.fsdecode(top_out.stdout.strip()))
    return RepoInfo(folder, Path(git_dir), top, shallow == "true")


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The commit id ``ref`` names, or None when the repository does not hold it."""
    if not ref or ref.startswith("-"):
        return None
    out = run_git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    if out.returncode != 0:
        return None
    return out.stdout.decode().strip() or None


def text_or_skip(path: str, oid: str, data: bytes | None, size: int, limit: int, missing: str) -> bytes | Skipped:
    """A blob read by CatFile as text to scan, or why it is not scanned: missing (``missing``
    says how), over the size limit, a Git LFS pointer, or binary."""
    if data is None:
        reason = missing if size < 0 else f"larger than the size limit ({size} > {limit} bytes)"
        return Skipped(path, reason, BlobId(oid))
    if is_lfs_pointer(data):
        return Skipped(path, "Git LFS pointer: the content lives on the LFS server, not scanned", BlobId(oid))
    from secretscan.sources.base import as_text

    text = as_text(data)
    return Skipped(path, "binary file", BlobId(oid)) if text is None else text


def is_lfs_pointer(data: bytes) -> bool:
    return len(data) <= LFS_POINTER_MAX and data.startswith(LFS_POINTER_PREFIX)


def split_nul(stream: IO[bytes]) -> Iterator[bytes]:
    """The NUL-terminated fields of a stream, read in large chunks."""
    rest = b""
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\x00")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


class CatFile:
    """One long-lived ``git cat-file --batch``: object ids go in on a thread, contents come out.

    ``read`` yields ``(id, data)`` in request order; ``data`` is None for a missing object.
    Objects larger than ``max_size`` are drained from the pipe but not kept.
    """

    def __init__(self, repo: Path) -> None:
        self._repo = repo

    def read(self, ids: Sequence[str], max_size: int) -> Iterator[tuple[str, bytes | None, int]]:
        """Yield (id, data or None, size) per id; data is None when missing (size -1) or too big."""
        if not ids:
            return
        try:
            proc = subprocess.Popen(
                git_command(self._repo, *_READER_LIMITS, "cat-file", "--batch", "--buffer"),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=git_env(),
                bufsize=_READ_CHUNK,
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        assert proc.stdin is not None and proc.stdout is not None
        writer = threading.Thread(target=_feed, args=(proc.stdin, ids), daemon=True)
        writer.start()
        try:
            yield from _responses(proc.stdout, ids, max_size)
        finally:
            proc.stdout.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            writer.join(timeout=5)


def _feed(stdin: IO[bytes], ids: Iterable[str]) -> None:
    try:
        batch: list[bytes] = []
        for object_id in ids:
            batch.append(object_id.encode("ascii") + b"\n")
            if len(batch) >= 512:
                stdin.write(b"".join(batch))
                batch.clear()
        stdin.write(b"".join(batch))
        stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the reader stopped early (error or interrupt): nothing more to send


def _responses(stdout: IO[bytes], ids: Sequence[str], max_size: int) -> Iterator[tuple[str, bytes | None, int]]:
    readline, read = stdout.readline, stdout.read
    for object_id in ids:
        header = readline()
        if not header:
            raise GitError("git cat-file stopped unexpectedly (damaged repository?)")
        fields = header.split()
        if len(fields) == 2 and fields[1] in (b"missing", b"ambiguous"):
            yield object_id, None, -1
            continue
        if len(fields) != 3:
            raise GitError(f"unexpected output from git cat-file: {header[:80]!r}")
        size = int(fields[2])
        if size > max_size:
            _drain(read, size + 1)
            yield object_id, None, size
            continue
        data = read(size)
        read(1)  # the newline after the content
        if len(data) != size:
            raise GitError("git cat-file stopped unexpectedly (damaged repository?)")
        yield object_id, data, size


def _drain(read: Callable[[int], bytes], nbytes: int) -> None:
    while nbytes > 0:
        got = read(min(nbytes, _READ_CHUNK))
        if not got:
            return
        nbytes -= len(got)


def blob(object_id: str, data: bytes) -> Blob:
    return Blob(BlobId(object_id), data)
