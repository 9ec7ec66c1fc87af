"""Compare ways to read a repository's history from Python, step by step.

Step 1, enumerate: every commit's changed (path, blob) pairs, what provenance needs.
Step 2, read: the content of every unique blob found in step 1, in pack order.

Candidates: plain git plumbing (one ``git log --raw`` and one ``git cat-file --batch``
process), pygit2 (libgit2 in-process) and GitPython. The libraries are optional: a candidate
that is not importable is reported as such. GitPython runs one ``git diff-tree`` per commit,
so its enumeration is timed on the first ``--sample`` commits and extrapolated.

    python benchmarks/git_access.py /path/to/repo [--sample 500]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

Pairs = dict[str, str]  # blob id -> first path


def plumbing_enumerate(repo: Path, _sample: int) -> tuple[Pairs, int]:
    cmd = ["git", "-C", str(repo), "log", "--all", "--raw", "-c", "--no-abbrev", "--no-renames", "-z",
           "--root", "--format=%x01%H%x00%P%x00%an%x00%ae%x00%aI%x00%s"]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    pairs: Pairs = {}
    commits = 0
    fields = out.split(b"\x00")
    i = 0
    while i < len(fields):
        token = fields[i].lstrip(b"\n")
        if token.startswith(b"\x01"):
            commits += 1
            i += 6
            continue
        if token.startswith(b":"):
            meta = token.split(b" ")
            new = meta[-2]  # ":m m s s S" or, for a merge, "::m m m s s s SS": the result is next to last
            pairs.setdefault(new.decode(), fields[i + 1].decode("utf-8", "surrogateescape"))
            i += 2
            continue
        i += 1
    pairs.pop("0" * 40, None)
    return pairs, commits


def pygit2_enumerate(repo: Path, _sample: int) -> tuple[Pairs, int]:
    import pygit2

    r = pygit2.Repository(str(repo))
    walker = r.walk(r.head.target, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
    for ref in r.references:
        target = r.references[ref].peel(pygit2.Commit).id
        walker.push(target)
    pairs: Pairs = {}
    commits = 0
    for commit in walker:
        commits += 1
        if commit.parents:
            diff = commit.parents[0].tree.diff_to_tree(commit.tree)
        else:
            diff = commit.tree.diff_to_tree(swap=True)
        for delta in diff.deltas:
            if delta.new_file.id != pygit2.Oid(hex="0" * 40):
                pairs.setdefault(str(delta.new_file.id), delta.new_file.path)
    return pairs, commits


def gitpython_enumerate(repo: Path, sample: int) -> tuple[Pairs, int]:
    import git

    r = git.Repo(str(repo))
    pairs: Pairs = {}
    commits = 0
    for commit in r.iter_commits("--all", max_count=sample):
        commits += 1
        parent = commit.parents[0] if commit.parents else git.NULL_TREE
        for d in commit.diff(parent, R=True):
            if d.b_blob is not None:
                pairs.setdefault(d.b_blob.hexsha, d.b_path)
    return pairs, commits


def pack_order(repo: Path, wanted: set[str]) -> list[str]:
    """The wanted ids in the order the packs store them (reading in that order is fastest)."""
    out = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--unordered",
                          "--batch-check=%(objectname)"], capture_output=True, check=True, text=True).stdout
    return list(dict.fromkeys(i for i in out.split() if i in wanted))


def plumbing_read(repo: Path, ids: list[str]) -> int:
    proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch", "--buffer"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20)
    import threading

    def feed() -> None:
        assert proc.stdin is not None
        proc.stdin.write("".join(i + "\n" for i in ids).encode())
        proc.stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    assert proc.stdout is not None
    total = 0
    for _ in ids:
        size = int(proc.stdout.readline().split()[2])
        total += len(proc.stdout.read(size))
        proc.stdout.read(1)
    proc.wait()
    return total


def pygit2_read(repo: Path, ids: list[str]) -> int:
    import pygit2

    r = pygit2.Repository(str(repo))
    return sum(len(r[i].data) for i in ids)


def gitpython_read(repo: Path, ids: list[str]) -> int:
    import git

    r = git.Repo(str(repo))
    odb = r.odb
    return sum(len(odb.stream(bytes.fromhex(i)).read()) for i in ids)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--sample", type=int, default=500, help="commits GitPython enumerates (then extrapolated)")
    args = parser.parse_args()
    total_commits = int(subprocess.run(["git", "-C", str(args.repo), "rev-list", "--all", "--count"],
                                       capture_output=True, check=True).stdout)
    print(f"{args.repo}: {total_commits} commits")
    print(f"{'step':<10} {'candidate':<10} {'seconds':>9}  detail")
    ids: list[str] = []
    for name, fn in (("plumbing", plumbing_enumerate), ("pygit2", pygit2_enumerate), ("gitpython", gitpython_enumerate)):
        try:
            seconds, (pairs, commits) = timed(lambda fn=fn: fn(args.repo, args.sample))  # type: ignore[misc]
        except ImportError:
            print(f"{'enumerate':<10} {name:<10} {'-':>9}  not installed")
            continue
        if commits < total_commits:
            seconds = seconds * total_commits / max(commits, 1)
            detail = f"{commits} commits timed, extrapolated"
        else:
            detail = f"{len(pairs)} unique blobs"
            ids = ids or pack_order(args.repo, set(pairs))
        print(f"{'enumerate':<10} {name:<10} {seconds:9.2f}  {detail}")
    for name, read in (("plumbing", plumbing_read), ("pygit2", pygit2_read), ("gitpython", gitpython_read)):
        try:
            seconds, nbytes = timed(lambda read=read: read(args.repo, ids))  # type: ignore[misc]
        except ImportError:
            print(f"{'read':<10} {name:<10} {'-':>9}  not installed")
            continue
        mb = int(nbytes) / 1e6  # type: ignore[call-overload]
        print(f"{'read':<10} {name:<10} {seconds:9.2f}  {mb:.0f} MB, {mb / seconds:.0f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
