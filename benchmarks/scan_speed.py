#!/usr/bin/env python3
"""Working-tree scan throughput against `cat` reading the same files, in the same run.

Without --path, builds a corpus of real text files (the Python standard library and
installed site-packages: code, JSON, YAML, docs), sprinkled with synthetic secrets, up to
--size-mb. Prints a table: wall time, CPU time, MB, MB/s and the ratio to `cat`.

CPU time is the whole process tree's: the scan's worker processes are children of
multiprocessing's fork server, which outlives the scan; this script makes itself the
"child subreaper" (Linux prctl) so that those orphans are reparented to it, waits for them, and
counts their CPU time too (elsewhere the column counts only what the scan process waited for).

The breadth cost (issue 8, "speed stays"): the same corpus and the full pipeline scanned in
the same run with a small core rule set (CORE_PROVIDERS: the common clouds, code hosts,
payment and messaging providers, private keys, JWTs, connection URIs and the generic rules;
every other rule disabled through a config file's ``disable_rules``) and with every
built-in rule; the table prints both throughputs and their ratio. The scans take turns (core,
all, core, all...) and each row is its command's fastest run: the machine's speed drifts within
minutes, and one command's runs all in a row can land in a slower stretch than the other's.

    python benchmarks/scan_speed.py [--path DIR] [--size-mb 200] [--repeat 3] [--no-breadth]
"""

from __future__ import annotations

import argparse
import ctypes
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
                break
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


def become_subreaper() -> bool:
    """Adopt orphaned descendants (the scan's fork server and its workers), so that their CPU
    time reaches RUSAGE_CHILDREN once they are waited for (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans() -> None:
    """Wait for adopted descendants: the fork server exits once the scan process is gone."""
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def timed(cmd: list[str] | str, shell: bool = False) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the whole process tree) and exit code of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode(errors='replace')}")
    return wall, cpu, proc.returncode


def best_of(n: int, cmd: list[str] | str, shell: bool = False) -> tuple[float, float]:
    runs = [timed(cmd, shell) for _ in range(n)]
    wall, cpu, _ = min(runs)
    return wall, cpu


def best_in_turns(n: int, commands: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """Each command run ``n`` times, taking turns (a, b, a, b...), and its fastest run: on a
    shared machine the speed drifts within minutes, and turns expose every command to it alike."""
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for _ in range(n):
        for name, cmd in commands.items():
            runs[name].append(timed(cmd))
    return {name: min(found)[:2] for name, found in runs.items()}


# The core rule set of the breadth comparison: providers most repositories meet, plus the
# generic rules (password/secret/token assignments, authorization headers).
CORE_PROVIDERS = (
    "aws", "azure", "google-cloud", "github", "gitlab", "bitbucket", "slack", "stripe", "twilio", "sendgrid",
    "npm", "pypi", "docker", "heroku", "digitalocean", "datadog", "openai", "anthropic", "mailgun", "shopify",
    "atlassian", "hashicorp-vault", "square", "discord", "telegram", "private-key", "certificate", "jwt",
    "connection-uri", "generic",
)  # fmt: skip


def write_configs(folder: Path) -> tuple[Path, Path, int, int]:
    """Two config files: one that disables every rule outside CORE_PROVIDERS, one that changes
    nothing (so both runs read a config the same way). Returns them with the rule counts."""
    from secretscan.ruleset.loader import load_rules

    ids = [rule.id for rule in load_rules()]
    off = [i for i in ids if i.split(".")[1] not in CORE_PROVIDERS]
    core = folder / "core.toml"
    core.write_text("disable_rules = [\n" + "".join(f'  "{i}",\n' for i in off) + "]\n")
    full = folder / "all.toml"
    full.write_text("# every built-in rule\n")
    return core, full, len(ids) - len(off), len(ids)


def scan_command(target: Path, config: Path | None) -> list[str]:
    cmd = [sys.executable, "-m", "secretscan", "scan", "--no-git", "-q", "-f", "json", "-o", os.devnull]
    return cmd + (["-c", str(config)] if config is not None else []) + [str(target)]


def row(name: str, wall: float, cpu: float, mb: float, floor: float) -> str:
    return f"{name:<30}{wall:>9.2f}{cpu:>9.2f}{mb / wall:>10.1f}{wall / floor:>8.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--path", type=Path, help="scan this folder instead of a generated corpus")
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-breadth", action="store_true", help="skip the core-rules-versus-all-rules comparison")
    args = ap.parse_args()
    reaping = become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="secretscan-bench-"))
    try:
        target = args.path
        if target is None:
            target = work / "corpus"
            target.mkdir()
            build_corpus(target, args.size_mb)
        mb = corpus_bytes(target) / 1e6
        files = sum(1 for p in target.rglob("*") if p.is_file())
        runs = {"secretscan scan": scan_command(target, None)}
        if not args.no_breadth:
            core, full, n_core, n_all = write_configs(work)
            runs = {f"scan, core rules ({n_core})": scan_command(target, core),
                    f"scan, all rules ({n_all})": scan_command(target, full)}  # fmt: skip
        for cmd in runs.values():
            timed(cmd)  # warm the page cache and the compiled-rules caches
        cat = f"find {target} -type f -print0 | xargs -0 cat > /dev/null"
        cat_wall, cat_cpu = best_of(args.repeat, cat, shell=True)
        results = best_in_turns(args.repeat, runs)
        cpu_note = "whole process tree" if reaping else "scan process only (no subreaper on this OS)"
        print(f"corpus: {target} ({files} files, {mb:.1f} MB), best of {args.repeat} runs, {os.cpu_count()} cores")
        print(f"cpu s: {cpu_note}\n")
        print(f"{'reader':<30}{'wall s':>9}{'cpu s':>9}{'MB/s':>10}{'x cat':>8}")
        print(row("cat (floor)", cat_wall, cat_cpu, mb, cat_wall))
        for name, (wall, cpu) in results.items():
            print(row(name, wall, cpu, mb, cat_wall))
        if not args.no_breadth:
            (core_wall, core_cpu), (all_wall, all_cpu) = results.values()
            print(f"\nbreadth cost: all rules at {core_wall / all_wall:.1%} of the core set's throughput "
                  f"({mb / all_wall:.1f} vs {mb / core_wall:.1f} MB/s; target: at least 90%); "
                  f"CPU per MB at {core_cpu / all_cpu:.1%} (steadier when other work shares the cores)")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
