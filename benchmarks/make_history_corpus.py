"""Build a large scripted git history from source trees on this machine (no network).

Each source tree (for instance every CPython standard library installed by pyenv) becomes one
"release": the files that changed since the previous tree are committed a few at a time, so the
history has thousands of commits, real deltas, deletions and several hundred MB of unique
blob content. A few planted test tokens are added and later removed, so a scan has something
to find. Uses `git fast-import`, then `git repack -ad` so the packs look like a real clone's.

    python benchmarks/make_history_corpus.py /tmp/corpus --text-only --files-per-commit 1 \
        Lib=/root/.pyenv/versions/3.6.15/lib/python3.6 Lib=/root/.pyenv/versions/3.7.16/lib/python3.7 \
        vendor=/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SKIP_DIRS = {"__pycache__", "site-packages", ".git"}
# Test tokens shaped like GitHub classic PATs; generated, never valid anywhere.
PLANTED = "ghp_" + hashlib.sha256(b"secretscan-benchmark").hexdigest()[:36].replace("0", "Q")


def tree_files(root: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith((".pyc", ".pyo")) or path.is_symlink() or not path.is_file():
                continue
            out[path.relative_to(root).as_posix()] = path
    return out


def digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()  # noqa: S324 - change detection only


def is_text(path: Path) -> bool:
    with path.open("rb") as fh:
        return b"\x00" not in fh.read(8000)


def releases(trees: list[str], text_only: bool) -> Iterator[tuple[str, dict[str, Path], set[str]]]:
    """(name, changed or new files, deleted paths) per PREFIX=TREE, in the order given.

    A tree replaces the previous tree committed under the same prefix (a new release of it).
    """
    previous: dict[str, dict[str, str]] = {}
    for spec in trees:
        prefix, _, tree_text = spec.rpartition("=")
        tree = Path(tree_text)
        files = {
            f"{prefix}/{rel}" if prefix else rel: path
            for rel, path in tree_files(tree).items()
            if not text_only or is_text(path)
        }
        sums = {rel: digest(p) for rel, p in files.items()}
        before = previous.get(prefix, {})
        changed = {rel: files[rel] for rel, s in sums.items() if before.get(rel) != s}
        deleted = set(before) - set(sums)
        previous[prefix] = sums
        yield tree.as_posix().rstrip("/").split("/")[-1], changed, deleted


def fast_import_stream(trees: list[str], per_commit: int, out: Path, text_only: bool) -> tuple[int, int]:
    commits = 0
    when = 1_400_000_000
    with out.open("wb") as fh:
        mark = 0
        for number, (name, changed, deleted) in enumerate(releases(trees, text_only)):
            items: list[tuple[str, Path | None]] = [(rel, None) for rel in sorted(deleted)]
            items += sorted(changed.items())
            for start in range(0, len(items), per_commit):
                chunk = items[start : start + per_commit]
                when += 3600
                commits += 1
                body = [f"commit refs/heads/main\n".encode()]
                body.append(f"author Bench Author <bench{number}@example.test> {when} +0000\n".encode())
                body.append(f"committer Bench Author <bench{number}@example.test> {when} +0000\n".encode())
                message = f"{name}: update {chunk[0][0]} and {len(chunk) - 1} more\n".encode()
                body.append(b"data %d\n%s\n" % (len(message), message))
                for rel, path in chunk:
                    if path is None:
                        body.append(f"D {rel}\n".encode())
                        continue
                    data = path.read_bytes()
                    if commits % 997 == 0 and b"\x00" not in data[:8000]:
                        data += f"\n# planted for the benchmark: {PLANTED}\n".encode()
                    mark += 1
                    body.append(b"M 100644 inline %s\ndata %d\n%s\n" % (rel.encode(), len(data), data))
                fh.write(b"".join(body))
            fh.write(f"reset refs/tags/{name}\nfrom refs/heads/main\n\n".encode())
    return commits, mark


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path)
    parser.add_argument("trees", nargs="+", help="[PREFIX=]TREE, oldest first")
    parser.add_argument("--files-per-commit", type=int, default=3)
    parser.add_argument("--text-only", action="store_true", help="leave out binary files")
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=False)
    subprocess.run(["git", "init", "-q", "-b", "main", str(args.dest)], check=True)
    stream = args.dest / ".git" / "fast-import.stream"
    commits, blobs = fast_import_stream(args.trees, args.files_per_commit, stream, args.text_only)
    with stream.open("rb") as fh:
        subprocess.run(["git", "fast-import", "--quiet"], cwd=args.dest, stdin=fh, check=True)
    stream.unlink()
    subprocess.run(["git", "repack", "-adq"], cwd=args.dest, check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=args.dest, check=True)
    print(f"{args.dest}: {commits} commits, {blobs} blob versions written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
