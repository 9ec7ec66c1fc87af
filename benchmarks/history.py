"""Full-history scan speed against the git floor and other scanners, in one run.

    python benchmarks/history.py PATH [--other "gitleaks git {path}"] [--other "..."] [--jobs N] [--repeat N]

Rows, each timed on the same repository in the same run:
  1. the floor: `git cat-file --batch-all-objects --batch > /dev/null`, reading every object once
  2. `secretscan scan --history PATH` (JSON report to /dev/null)
  3. every --other command found on PATH ({path} is replaced by the repository path)

Columns: wall time, CPU time (user + system of the command and every process it started,
worker pools included), peak memory (the largest total of the command's whole process tree,
sampled every 50 ms, as proportional set size: a page shared by several processes is counted
once in all), MB/s of unique blob content (the size of every distinct blob reachable from the refs,
what a history scan must read), and the ratio of wall time to the floor's. With --repeat N the
commands run N times in turn (floor, secretscan, others, floor, ...) and each row is the run
with the least wall time: on a shared machine the speed drifts by a fifth within minutes, and
taking turns exposes every command to the same drift.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

@dataclass
class Row:
    name: str
    wall: float
    cpu: float
    peak_mb: float
    code: int


def unique_blob_bytes(repo: Path) -> tuple[int, int, int]:
    """(blobs, bytes, commits) of every distinct blob reachable from the refs."""
    objects = subprocess.run(["git", "-C", str(repo), "rev-list", "--objects", "--all"], capture_output=True, check=True)
    ids = b"".join(line.split(b" ", 1)[0] + b"\n" for line in objects.stdout.splitlines())
    sizes = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-check=%(objecttype) %(objectsize)"],
        input=ids, capture_output=True, check=True,
    )
    blobs = total = 0
    for line in sizes.stdout.splitlines():
        kind, _, size = line.partition(b" ")
        if kind == b"blob":
            blobs += 1
            total += int(size)
    commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--count"], capture_output=True,
                             text=True, check=True).stdout.strip()
    return blobs, total, int(commits)


def become_subreaper() -> None:
    """Adopt orphaned descendants (worker pools outlive their parent for a moment), so that
    their CPU time is counted in RUSAGE_CHILDREN when they are reaped (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def tree_memory_kb(root: int) -> int:
    """Memory of ``root`` and all its descendants: the sum of their proportional set sizes
    (a page shared by n processes counts 1/n in each, so forked workers are not counted
    twice), or of their resident sets where /proc has no smaps_rollup."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parent = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _process_kb(pid)
        todo.extend(children.get(pid, ()))
    return total


def _process_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def run(name: str, command: str) -> Row:
    """Run ``command`` (a shell line); CPU of it and every descendant, peak of their memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(["/bin/sh", "-c", f"exec {command}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        if os.path.isdir("/proc"):
            peak = max(peak, tree_memory_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    while True:  # reap adopted descendants so that their CPU time is counted
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Row(name, wall, cpu, (peak or after.ru_maxrss) / 1024, proc.returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--other", action="append", default=[], help="another scanner's command; {path} = repo")
    parser.add_argument("--jobs", type=int, default=0, help="secretscan --jobs (0: one per core)")
    parser.add_argument("--secretscan", default=f"{shlex.quote(sys.executable)} -m secretscan",
                        help="how to run secretscan (default: this interpreter)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command, taken in turn; the best is shown")
    args = parser.parse_args()
    become_subreaper()
    repo = args.path.resolve()
    quoted = shlex.quote(str(repo))
    blobs, nbytes, commits = unique_blob_bytes(repo)
    print(f"{repo}: {commits} commits, {blobs} unique blobs, {nbytes / 1e6:.1f} MB of unique blob content; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    commands = [
        ("git cat-file (floor)", f"git -C {quoted} cat-file --batch-all-objects --batch > /dev/null"),
        ("secretscan --history", f"{args.secretscan} scan --history --quiet --jobs {args.jobs} -f json -o /dev/null {quoted}"),
    ]
    for other in args.other:
        exe = shlex.split(other)[0]
        if shutil.which(exe) is None:
            print(f"(skipped: {exe} is not on PATH)")
            continue
        commands.append((exe, other.replace("{path}", quoted) + " > /dev/null"))
    best: dict[str, Row] = {}
    for _ in range(max(1, args.repeat)):
        for name, command in commands:
            row = run(name, command)
            if name not in best or row.wall < best[name].wall:
                best[name] = row
    rows = [best[name] for name, _ in commands]
    floor = rows[0].wall
    print(f"{'command':<24} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'MB/s':>8} {'x floor':>8}  exit")
    for row in rows:
        print(f"{row.name:<24} {row.wall:8.2f} {row.cpu:8.2f} {row.peak_mb:8.0f} {nbytes / 1e6 / row.wall:8.1f} "
              f"{row.wall / floor:8.2f}  {row.code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
