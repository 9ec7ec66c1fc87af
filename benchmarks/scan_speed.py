#!/usr/bin/env python3
"""Working-tree scan throughput against `cat` reading the same files, in the same run.

Without --path, builds a corpus of real text files (the Python standard library and
installed site-packages: code, JSON, YAML, docs), sprinkled with synthetic secrets, up to
--size-mb. Prints a table: wall time, CPU time, MB, MB/s and the ratio to `cat`.

    python benchmarks/scan_speed.py [--path DIR] [--size-mb 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

TEXT_SUFFIXES = {".py", ".json", ".yaml", ".yml", ".txt", ".rst", ".md", ".cfg", ".toml", ".ini", ".js", ".html", ".c", ".h"}


def build_corpus(dest: Path, size_mb: int) -> int:
    budget = size_mb * 1_000_000
    total = 0
    roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if total >= budget:
                return total
            if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path.is_symlink():
                continue
            target = dest / root.name / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            total += target.stat().st_size
    planted = dest / "planted"
    planted.mkdir(exist_ok=True)
    for i in range(50):
        tok = "ghp_" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(36))
        (planted / f"settings_{i}.py").write_text(f"DEBUG = True\nGITHUB_TOKEN = '{tok}'\n")
    return total


def corpus_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def timed(cmd: list[str] | str, shell: bool = False) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (children) and exit code of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode(errors='replace')}")
    return wall, cpu, proc.returncode


def best_of(n: int, cmd: list[str] | str, shell: bool = False) -> tuple[float, float]:
    runs = [timed(cmd, shell) for _ in range(n)]
    wall, cpu, _ = min(runs)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--path", type=Path, help="scan this folder instead of a generated corpus")
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = None
    if args.path is None:
        tmp = Path(tempfile.mkdtemp(prefix="secretscan-bench-"))
        build_corpus(tmp, args.size_mb)
        target = tmp
    else:
        target = args.path
    try:
        mb = corpus_bytes(target) / 1e6
        files = sum(1 for p in target.rglob("*") if p.is_file())
        scan = [sys.executable, "-m", "secretscan", "scan", "--no-git", "-q", "-f", "json", "-o", os.devnull, str(target)]
        timed(scan)  # warm the page cache and the compiled-rules cache
        cat = f"find {target} -type f -print0 | xargs -0 cat > /dev/null"
        cat_wall, cat_cpu = best_of(args.repeat, cat, shell=True)
        scan_wall, scan_cpu = best_of(args.repeat, scan)
        print(f"corpus: {target} ({files} files, {mb:.1f} MB), best of {args.repeat} runs, {os.cpu_count()} cores\n")
        print(f"{'reader':<22}{'wall s':>9}{'cpu s':>9}{'MB/s':>10}{'x cat':>8}")
        print(f"{'cat (floor)':<22}{cat_wall:>9.2f}{cat_cpu:>9.2f}{mb / cat_wall:>10.1f}{1.0:>8.1f}")
        print(f"{'secretscan scan':<22}{scan_wall:>9.2f}{scan_cpu:>9.2f}{mb / scan_wall:>10.1f}{scan_wall / cat_wall:>8.1f}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
