"""History walker: every blob reachable from the chosen refs (or introduced by a range of
commits), each read once, with where and when it entered the repository.

1. Enumerate: one ``git log --raw -c`` over the commits, oldest first (parents before
   children), gives every (blob, path) a commit introduced, and every commit that replaced or
   deleted one. Merges count only for content that differs from every parent (``-c``), so a
   branch's changes are attributed to the branch commits, not to the merge.
2. Locate: the tip's tree (``git ls-tree -r``) says which (blob, path) pairs are still present;
   for the others the last commit on the tip's history that removed them is the removal.
3. Read: the objects the repository holds are listed once (``cat-file --batch-all-objects``,
   which gives pack order, sizes, and which objects are missing without asking a partial
   clone's remote for them), then the wanted blobs stream, in pack order, through one
   ``git cat-file --batch`` process while the pipeline scans them.

While step 1 runs (``git log`` is a good part of a long history's time, and keeps one core),
the tip's files are read and sent ahead (``Ahead``) for the workers to analyse under their
tip path. A blob whose every place turns out to be that path is not read again: its places
come as ``Seen``, where its ``Occurrences`` would have come, and the report is the same as
if it had been read there. Other blobs sent ahead are read and analysed as usual.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from secretscan.config import Settings
from secretscan.errors import GitError
from secretscan.model import BlobId, CommitInfo, Provenance, Skipped, SourceKind
from secretscan.sources.files import is_excluded
from secretscan.sources.git_common import (
    GITLINK_MODE,
    Ahead,
    CatFile,
    Note,
    Occurrences,
    Plan,
    Prepare,
    RepoInfo,
    Seen,
    WalkerItem,
    blob,
    first_line,
    git_command,
    git_env,
    open_repo,
    resolve_commit,
    run_git,
    split_nul,
    text_or_skip,
)

LOG_FORMAT = "--format=%x01%H%x00%P%x00%an%x00%ae%x00%aI%x00%s"
SHALLOW_MESSAGE = (
    "{path} is a shallow clone: its history is incomplete, so a history scan would silently miss "
    "secrets. Fetch the full history with `git fetch --unshallow` (in GitHub Actions: "
    "actions/checkout with fetch-depth: 0; in GitLab CI: GIT_DEPTH: 0), or pass --allow-shallow "
    "to scan only what is present."
)
MISSING_BASE = (
    "{what} '{ref}' is not a commit in this repository (a shallow clone, or a branch that was not "
    "fetched?): fetch it first, e.g. `git fetch origin {ref}` or `git fetch --unshallow`"
)


@dataclass(frozen=True, slots=True)
class HistorySpec:
    """Which commits to read. Empty: every ref. ``since``/``range``: only what those add."""

    refs: tuple[str, ...] = ()
    since: str | None = None
    range: str | None = None
    allow_shallow: bool = False


@dataclass(frozen=True, slots=True)
class Selection:
    """The resolved revisions for ``git log``, the tip to judge exposure by, and a label."""

    revs: tuple[str, ...]
    tip: str | None
    label: str
    stdin: tuple[str, ...] = ()  # revisions fed to ``git log --stdin`` (every ref: too many for a command line)


@dataclass
class History:
    """What enumeration found. Compact, since a long history has hundreds of thousands of
    commits and blobs: commit and path numbers instead of objects, a commit's header as one
    bytes object, and number pairs packed into one int (``_pair``): most blobs were introduced
    at one path only, and a dict per blob would cost seven times as much."""

    commits: list[bytes] = field(default_factory=list)  # sha, parents, name, email, date, subject, NUL-separated
    on_tip: bytearray = field(default_factory=bytearray)  # 1 when the commit is in the tip's history
    paths: list[str] = field(default_factory=list)
    path_ids: dict[bytes, int] = field(default_factory=dict)
    introduced: dict[str, int | dict[int, int]] = field(default_factory=dict)  # blob -> (path, first commit) pairs
    removed: dict[tuple[str, int], int] = field(default_factory=dict)  # (blob, path) -> (last on tip, last) pair
    gitlinks: dict[int, tuple[str, int]] = field(default_factory=dict)  # path -> (commit id, first commit)
    excluded: set[int] = field(default_factory=set)  # paths the settings exclude

    def path_id(self, raw: bytes) -> int:
        pid = self.path_ids.get(raw)
        if pid is None:
            pid = self.path_ids[raw] = len(self.paths)
            self.paths.append(os.fsdecode(raw))
        return pid

    def introduce(self, oid: str, pid: int, commit: int) -> None:
        """``commit`` introduced ``oid`` at path ``pid`` (the first commit to do so is kept)."""
        known = self.introduced.get(oid)
        if known is None:
            self.introduced[oid] = _pair(pid, commit)
        elif isinstance(known, int):
            first_pid, first_commit = _unpair(known)
            if first_pid != pid:
                self.introduced[oid] = {first_pid: first_commit, pid: commit}
        else:
            known.setdefault(pid, commit)

    def places(self, oid: str) -> dict[int, int]:
        """Path -> the first commit that introduced ``oid`` there."""
        known = self.introduced[oid]
        if isinstance(known, int):
            pid, commit = _unpair(known)
            return {pid: commit}
        return known

    def header(self, index: int) -> list[bytes]:
        """A commit's sha, parents, author name, email, date and subject."""
        return self.commits[index].split(b"\x00")


_LOW = (1 << 32) - 1


def _pair(a: int, b: int) -> int:
    """Two numbers from -1 (no commit) up, as one int (an int is 28 bytes, a tuple of two 56 more)."""
    return (a + 1) << 32 | (b + 1)


def _unpair(packed: int) -> tuple[int, int]:
    return (packed >> 32) - 1, (packed & _LOW) - 1


@dataclass(frozen=True)
class HistorySource:
    """Blobs of a repository's history (see the module docstring), with their provenance."""

    target: Path
    settings: Settings
    spec: HistorySpec = HistorySpec()

    def items(self) -> Iterator[WalkerItem]:
        repo = open_repo(self.target)
        selection = select(repo, self.spec)
        if repo.shallow:
            yield Note(f"{self.target} is a shallow clone: only the history present was scanned")
        full = not (self.spec.since or self.spec.range)
        if full:
            yield Prepare()  # a whole history: workers start while git log runs (a range is usually small)
        refs = classify_refs(repo) if selection.revs == ("--all",) else None
        if refs is not None:
            yield from (Note(problem) for problem in refs.problems)
            selection = Selection(("--stdin",), selection.tip, selection.label, refs.commits)
        whole = repo.toplevel is None or repo.path.resolve() == repo.toplevel.resolve()
        sent: dict[str, str] = {}  # blob -> the tip path it was sent ahead under
        if full and whole and selection.tip is not None:
            enumeration = _Background(lambda: enumerate_history(repo, selection))
            tip_entries = tip_contents(repo, selection.tip)
            yield from self._ahead(repo, tip_entries or [], enumeration, sent)
            history = enumeration.result()
        else:
            history = enumerate_history(repo, selection)
            tip_entries = tip_contents(repo, selection.tip)
        if refs is not None and whole:  # tagged content sits in no folder: a folder's scan leaves it
            for problem in add_tagged_content(repo, history, refs):  # refs that name a blob or a tree
                yield Note(problem)
        if not history.commits and not history.introduced:
            yield Note(f"{selection.label}: no commits, nothing to scan")
            return
        tip_pairs = None if tip_entries is None else set(tip_entries)
        yield from self._submodules(history)
        wanted = self._wanted(history)
        present = list_objects(repo, wanted)
        yield from self._missing(history, wanted, present)
        order = [oid for oid in present if present[oid] <= self.settings.max_file_size]
        yield from self._too_large(history, wanted, present)
        yield Note(
            f"{selection.label}: {len(history.commits)} commit(s), {len(wanted)} unique blob(s)"
            + (f"; exposure judged against {selection.tip}" if selection.tip else "")
        )
        yield Plan(len(order), sum(present[oid] for oid in order))
        claimed = {oid for oid, path in sent.items() if oid in wanted and all(history.paths[pid] == path for pid in wanted[oid])}
        yield from self._contents(repo, history, wanted, order, tip_pairs, claimed)

    def _ahead(
        self, repo: RepoInfo, tip_entries: list[tuple[str, str]], enumeration: _Background, sent: dict[str, str]
    ) -> Iterator[WalkerItem]:
        """The tip's files, read and sent ahead until the enumeration is done."""
        paths: dict[str, str] = {}
        for oid, path in tip_entries:
            if oid not in paths and not is_excluded(path, self.settings.exclude):
                paths[oid] = path
        limit = self.settings.max_file_size
        reader = CatFile(repo.path).read(list(paths), limit)
        try:
            for oid, data, size in reader:
                if enumeration.finished:
                    return
                text = text_or_skip(paths[oid], oid, data, size, limit, "")
                if not isinstance(text, Skipped):  # skips are reported where the blob's places are
                    sent[oid] = paths[oid]
                    yield Ahead(blob(oid, text), Provenance(SourceKind.GIT, paths[oid]))
        finally:
            reader.close()

    def _wanted(self, history: History) -> dict[str, list[int]]:
        """Blob -> the paths it is scanned under, excluded paths left out."""
        excluded = history.excluded
        if self.settings.exclude:
            excluded.update(pid for pid, path in enumerate(history.paths) if is_excluded(path, self.settings.exclude))
        wanted: dict[str, list[int]] = {}
        for oid in history.introduced:
            pids = [pid for pid in history.places(oid) if pid not in excluded]
            if pids:
                wanted[oid] = pids
        return wanted

    def _submodules(self, history: History) -> Iterator[Skipped]:
        for pid, (target, _commit) in sorted(history.gitlinks.items(), key=lambda kv: history.paths[kv[0]]):
            path = history.paths[pid]
            if not is_excluded(path, self.settings.exclude):
                yield Skipped(path, f"submodule (commit {target[:12]}): not scanned; scan that repository on its own")

    def _missing(self, history: History, wanted: dict[str, list[int]], present: dict[str, int]) -> Iterator[Skipped]:
        for oid, pids in wanted.items():
            if oid not in present:
                path = history.paths[pids[0]]
                yield Skipped(path, "object missing from the repository (partial clone or damaged?): not scanned", BlobId(oid))

    def _too_large(
        self, history: History, wanted: dict[str, list[int]], present: dict[str, int]
    ) -> Iterator[Skipped]:
        limit = self.settings.max_file_size
        for oid, size in present.items():
            if size > limit:
                yield Skipped(history.paths[wanted[oid][0]], f"larger than the size limit ({size} > {limit} bytes)", BlobId(oid))

    def _contents(
        self,
        repo: RepoInfo,
        history: History,
        wanted: dict[str, list[int]],
        order: list[str],
        tip_pairs: set[tuple[str, str]] | None,
        claimed: set[str],
    ) -> Iterator[WalkerItem]:
        """Every blob in ``order``, read, or (when ``claimed``: sent ahead, every place at the path
        it was analysed under) its places only, at the same point of the stream."""
        infos: dict[int, CommitInfo] = {}
        limit = self.settings.max_file_size
        reader = CatFile(repo.path).read([oid for oid in order if oid not in claimed], limit)
        try:
            for oid in order:
                if oid in claimed:
                    yield Seen(BlobId(oid), provenances_of(history, oid, tip_pairs, infos))
                    continue
                _, data, size = next(reader)
                first_path = history.paths[wanted[oid][0]]
                text = text_or_skip(first_path, oid, data, size, limit, "object missing from the repository (damaged?): not scanned")
                if isinstance(text, Skipped):
                    yield text
                    continue
                provenances = provenances_of(history, oid, tip_pairs, infos)
                yield Occurrences(blob(oid, text), provenances)
        finally:
            reader.close()


class _Background:
    """A function run on a thread (git log's output is parsed while the tip is read ahead)."""

    def __init__(self, work: Callable[[], History]) -> None:
        self._work = work
        self._result: History | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by result()
            self._error = exc

    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> History:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def provenances_of(
    history: History,
    oid: str,
    tip_pairs: set[tuple[str, str]] | None,
    infos: dict[int, CommitInfo],
) -> tuple[Provenance, ...]:
    """Every path ``oid`` was introduced under, oldest first, with its exposure (excluded paths
    left out)."""
    out = []
    for pid, commit in sorted(history.places(oid).items(), key=lambda kv: (kv[1], history.paths[kv[0]])):
        if pid in history.excluded:
            continue
        path = history.paths[pid]
        in_tip = None if tip_pairs is None else (oid, path) in tip_pairs
        removed_in = None
        if in_tip is False:
            on_tip, last = _unpair(history.removed.get((oid, pid), 0))
            chosen = on_tip if on_tip >= 0 else last
            removed_in = commit_info(history, chosen, infos) if chosen >= 0 else None
        out.append(Provenance(SourceKind.GIT, path, commit_info(history, commit, infos), in_tip, removed_in))
    return tuple(out)


COMMIT_CACHE = 8192  # commits decoded and kept for reuse (a long history's would not fit)


def commit_info(history: History, index: int, cache: dict[int, CommitInfo]) -> CommitInfo | None:
    if index < 0:
        return None  # content a ref names directly (a tagged blob or tree): no commit introduced it
    info = cache.get(index)
    if info is None:
        if len(cache) >= COMMIT_CACHE:
            cache.clear()
        sha, _parents, name, email, date, subject = history.header(index)
        info = cache[index] = CommitInfo(
            sha=sha.decode("ascii"),
            author=name.decode("utf-8", "replace"),
            email=email.decode("utf-8", "replace"),
            date=date.decode("ascii", "replace"),
            summary=subject.decode("utf-8", "replace"),
        )
    return info


# --- which commits ---------------------------------------------------------------------------


def select(repo: RepoInfo, spec: HistorySpec) -> Selection:
    """Validate what the user asked for and turn it into ``git log`` revisions."""
    if spec.range:
        return _select_range(repo, spec.range, spec.refs)
    if spec.since:
        return _select_since(repo, spec.since, spec.refs)
    if repo.shallow and not spec.allow_shallow:
        raise GitError(SHALLOW_MESSAGE.format(path=repo.path))
    if spec.refs:
        for ref in spec.refs:
            if resolve_commit(repo.path, ref) is None:
                raise GitError(f"--branch '{ref}' is not a commit in this repository")
        return Selection(tuple(spec.refs), spec.refs[0], "history of " + ", ".join(spec.refs))
    return Selection(("--all",), default_tip(repo), "history of all refs")


def _select_since(repo: RepoInfo, since: str, refs: tuple[str, ...]) -> Selection:
    base = resolve_commit(repo.path, since)
    if base is None:
        raise GitError(MISSING_BASE.format(what="--since", ref=since))
    heads = refs or ("HEAD",)
    for head in heads:
        if resolve_commit(repo.path, head) is None:
            raise GitError(f"'{head}' is not a commit in this repository")
    return Selection((f"^{base}", *heads), heads[0], f"commits since {since}")


def _select_range(repo: RepoInfo, spec: str, refs: tuple[str, ...]) -> Selection:
    if refs:
        raise GitError("--range names its own commits: do not combine it with --branch")
    symmetric = "..." in spec
    base, sep, head = spec.partition("..." if symmetric else "..")
    if not sep or not base:
        raise GitError(f"--range '{spec}' must look like BASE..HEAD (for instance origin/main..HEAD)")
    head = head or "HEAD"
    base_sha = resolve_commit(repo.path, base)
    if base_sha is None:
        raise GitError(MISSING_BASE.format(what="range base", ref=base))
    head_sha = resolve_commit(repo.path, head)
    if head_sha is None:
        raise GitError(f"range head '{head}' is not a commit in this repository")
    revs = (f"{base_sha}...{head_sha}",) if symmetric else (f"^{base_sha}", head_sha)
    return Selection(revs, head, f"range {spec}")


def default_tip(repo: RepoInfo) -> str | None:
    """What "still present" is judged against: HEAD, else the remote's default branch."""
    for ref in ("HEAD", "refs/remotes/origin/HEAD"):
        if resolve_commit(repo.path, ref) is not None:
            return ref
    return None


# --- enumeration -----------------------------------------------------------------------------


def enumerate_history(repo: RepoInfo, selection: Selection) -> History:
    history = History()
    tip_commits = _tip_commits(repo, selection.tip)
    args = ["log", *selection.revs, "--raw", "-c", "--no-abbrev", "--no-renames", "-z", "--root",
            "--topo-order", "--reverse", "--no-show-signature", "--no-textconv", LOG_FORMAT]
    if repo.toplevel is not None and repo.path.resolve() != repo.toplevel.resolve():
        args += ["--full-history", "--", "."]  # a folder inside the repository: only its paths
    if selection.revs == ("--stdin",) and not selection.stdin:
        return history  # no ref names a commit
    feed = "".join(f"{rev}\n" for rev in selection.stdin).encode() if selection.stdin else None
    try:
        _parse_log(_stream(repo.path, *args, stdin=feed), history, tip_commits)
    except GitError as exc:
        if "does not have any commits" in str(exc):
            return History()
        raise
    return history


def _tip_commits(repo: RepoInfo, tip: str | None) -> set[bytes]:
    if tip is None:
        return set()
    out = run_git(repo.path, "rev-list", "--end-of-options", tip, check=False)
    return set(out.stdout.split()) if out.returncode == 0 else set()


def _parse_log(tokens: Iterator[bytes], history: History, tip_commits: set[bytes]) -> None:
    """Fill ``history`` from ``git log -z --raw -c`` output (see LOG_FORMAT)."""
    commit = -1
    for token in tokens:
        if token[:1] == b"\n":
            token = token[1:]
        if token[:1] == b"\x01":
            sha = token[1:]
            history.commits.append(b"\x00".join((sha, *(next(tokens) for _ in range(5)))))
            history.on_tip.append(1 if sha in tip_commits else 0)
            commit += 1
        elif token[:1] == b":":
            _record(history, commit, token, next(tokens))
        elif token:
            raise GitError(f"unexpected output from git log: {token[:60]!r}")


def _record(history: History, commit: int, meta_raw: bytes, path_raw: bytes) -> None:
    """One raw diff line: what it introduces, and what it removes."""
    meta = meta_raw.lstrip(b":").split(b" ")
    parents = (len(meta) - 3) // 2  # ":m m s s S" has 1; a merge's "::m m m s s s SS" has 2
    new_mode, new = meta[parents].decode(), meta[-2].decode()
    pid = history.path_id(path_raw)
    if new_mode == GITLINK_MODE:
        history.gitlinks.setdefault(pid, (new, commit))
    elif new_mode != "000000":
        history.introduce(new, pid, commit)
    for i in range(parents):
        old_mode, old = meta[i].decode(), meta[parents + 1 + i].decode()
        if old_mode not in ("000000", GITLINK_MODE) and old != new:
            on_tip, _last = _unpair(history.removed.get((old, pid), 0))
            history.removed[(old, pid)] = _pair(commit if history.on_tip[commit] else on_tip, commit)


NO_COMMIT = -1


@dataclass(frozen=True)
class Refs:
    """Every ref (and HEAD) by what it finally names: commits for ``git log``, blobs and trees
    that tags name directly, and what could not be resolved."""

    commits: tuple[str, ...]
    contents: tuple[tuple[str, str, str], ...]  # (ref, object id, "blob" | "tree")
    problems: tuple[str, ...]


def classify_refs(repo: RepoInfo) -> Refs:
    """What ``--all`` would read, ref by ref, so that one ref to a missing object (a damaged
    repository) is reported and skipped instead of failing the whole ``git log --all``."""
    names = [os.fsdecode(line.rstrip(b"\n")) for line in _stream(repo.path, "for-each-ref", "--format=%(refname)", sep=b"\n")]
    names = [n for n in names if n] + ["HEAD"]
    listing = run_git(repo.path, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                      input="".join(f"{n}^{{}}\n" for n in names).encode(), check=False)
    answers = listing.stdout.decode("utf-8", "replace").splitlines()
    if listing.returncode != 0 or len(answers) != len(names):
        raise GitError(f"cannot list the refs of {repo.path}: {first_line(listing.stderr)}")
    commits: list[str] = []
    contents: list[tuple[str, str, str]] = []
    problems: list[str] = []
    for name, answer in zip(names, answers):
        oid, _, kind = answer.rpartition(" ")
        if kind == "commit":
            commits.append(name)
        elif kind in ("blob", "tree"):
            contents.append((name, oid, kind))
        elif kind == "missing" and name != "HEAD":  # HEAD of a repository with no commit yet is normal
            problems.append(f"{name}: names a missing object (damaged repository?): not scanned")
    return Refs(tuple(commits), tuple(contents), tuple(problems))


def add_tagged_content(repo: RepoInfo, history: History, refs: Refs) -> list[str]:
    """Blobs reachable from refs that name a blob or a tree, directly or through tags (git.git
    tags a public key blob, linux tags a tree): no commit holds them, so ``git log`` never
    lists them, yet they are in every clone. Recorded with no commit, under
    ``<ref>:<path>`` (or the ref's name for a blob). Returns what could not be read."""
    problems: list[str] = []
    for name, oid, kind in refs.contents:
        if kind == "blob":
            history.introduce(oid, history.path_id(os.fsencode(name)), NO_COMMIT)
            continue
        try:
            entries = list(_stream(repo.path, "ls-tree", "-r", "-z", "--end-of-options", oid))
        except GitError as exc:
            problems.append(f"{name}: tree {oid[:12]} cannot be listed ({exc}): its files were not scanned")
            continue
        for oid, path in _tree_blobs(entries):
            history.introduce(oid, history.path_id(os.fsencode(name) + b":" + path), NO_COMMIT)
    return problems


def _tree_blobs(entries: Iterable[bytes]) -> Iterator[tuple[str, bytes]]:
    """(blob id, raw path) of each blob in ``git ls-tree -r -z`` output."""
    for entry in entries:
        meta, tab, path = entry.partition(b"\t")
        fields = meta.split(b" ")
        if tab and len(fields) == 3 and fields[1] == b"blob":
            yield fields[2].decode("ascii"), path


def tip_contents(repo: RepoInfo, tip: str | None) -> list[tuple[str, str]] | None:
    """(blob, path) pairs in the tip's tree, in its order, or None when there is no tip to
    judge by."""
    if tip is None:
        return None
    root = repo.toplevel or repo.path
    pairs: list[tuple[str, str]] = []
    try:
        for oid, path in _tree_blobs(_stream(root, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", tip)):
            pairs.append((oid, os.fsdecode(path)))
    except GitError:
        return None
    return pairs


def _stream(folder: Path, *args: str, sep: bytes = b"\x00", stdin: bytes | None = None) -> Iterator[bytes]:
    """The ``sep``-terminated records a git command prints, read as they come (``stdin``: what
    the command reads, from a temporary file so that no thread has to feed it)."""
    with tempfile.TemporaryFile() as errors, (tempfile.TemporaryFile() if stdin is not None else nullcontext()) as source:
        if source is not None:
            source.write(stdin)
            source.seek(0)
        try:
            proc = subprocess.Popen(git_command(folder, *args), stdin=source if source is not None else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=errors, env=git_env())
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        assert proc.stdout is not None
        try:
            if sep == b"\x00":
                yield from split_nul(proc.stdout)
            else:
                yield from proc.stdout
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise GitError(f"git {args[0]} failed in {folder}: {first_line(errors.read())}")


def list_objects(repo: RepoInfo, wanted: dict[str, list[int]]) -> dict[str, int]:
    """Size of every wanted blob the repository holds, in pack order (a dict keeps it)."""
    present: dict[str, int] = {}
    listing = _stream(repo.path, "cat-file", "--batch-all-objects", "--unordered",
                      "--batch-check=%(objectname) %(objecttype) %(objectsize)", sep=b"\n")
    for line in listing:
        oid_b, kind, size = line.split(b" ")
        if kind == b"blob":
            oid = oid_b.decode("ascii")
            if oid in wanted and oid not in present:
                present[oid] = int(size)
    return present
