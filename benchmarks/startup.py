"""Start-up: how long a pre-commit hook takes to judge one small staged file, process start
to exit, against the bare interpreter.

It builds a scratch repository with one staged file of --size bytes, warms the caches (the
compiled pattern database and the parsed rules) with one run, then times --runs runs of each
command and prints min / median wall time and median CPU time (user + system of the child),
two ways: with byte-compiled modules kept in a private folder (PYTHONPYCACHEPREFIX), as an
installed package has them, even where PYTHONDONTWRITEBYTECODE is set; and without them
(PYTHONDONTWRITEBYTECODE=1 and no prefix: an editable install whose source tree has no
__pycache__ compiles every module it imports on every run; installed dependencies keep theirs).

    python benchmarks/startup.py [--runs 20] [--size 2048] [--imports]

--imports also prints the slowest imports of the staged scan (python -X importtime).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILLER = "# configuration for the demo service\nname = demo\nport = 8080\nlog_level = info\n"


def make_repo(root: Path, size: int) -> Path:
    repo = root / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.test",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.test"}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "init"], check=True, env=env)
    text = (FILLER * (size // len(FILLER) + 1))[:size]
    (repo / "settings.cfg").write_text(text)
    subprocess.run(["git", "-C", str(repo), "add", "settings.cfg"], check=True, env=env)
    return repo


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(cmd: list[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[float, float, float, int]:
    walls, cpus, code = [], [], 0
    for _ in range(runs):
        before = child_cpu()
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        walls.append(time.perf_counter() - start)
        cpus.append(child_cpu() - before)
    return min(walls), statistics.median(walls), statistics.median(cpus), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--imports", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="secretscan-startup-") as tmp:
        root = Path(tmp)
        repo = make_repo(root, args.size)
        plain = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        plain.setdefault("SECRETSCAN_CACHE_DIR", str(root / "cache"))
        env = {**plain, "PYTHONPYCACHEPREFIX": str(root / "pycache")}
        uncached = {**plain, "PYTHONDONTWRITEBYTECODE": "1"}
        python = sys.executable
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "secretscan --version": [python, "-m", "secretscan", "--version"],
            "scan --staged --quiet": [python, "-m", "secretscan", "scan", "--staged", "--quiet"],
            "scan --staged": [python, "-m", "secretscan", "scan", "--staged"],
        }
        for cmd in commands.values():  # warm: byte-compile, compile the pattern database, parse rules
            subprocess.run(cmd, cwd=repo, env=env, capture_output=True)
        print(f"one staged file of {args.size} bytes, {args.runs} runs each, load average {os.getloadavg()[0]:.2f}")
        print(f"{'':<24} {'-- with cached bytecode --':>28}   {'-- without bytecode --':>28}")
        print(f"{'command':<24} {'min ms':>8} {'median ms':>10} {'cpu ms':>8}   {'min ms':>8} {'median ms':>10} {'cpu ms':>8}  exit")
        for name, cmd in commands.items():
            low, mid, cpu, code = measure(cmd, repo, env, args.runs)
            low2, mid2, cpu2, code2 = measure(cmd, repo, uncached, args.runs)
            exits = str(code) if code == code2 else f"{code}/{code2}"
            print(f"{name:<24} {low * 1000:8.0f} {mid * 1000:10.0f} {cpu * 1000:8.0f}   "
                  f"{low2 * 1000:8.0f} {mid2 * 1000:10.0f} {cpu2 * 1000:8.0f}  {exits}")  # fmt: skip
        if args.imports:
            out = subprocess.run([python, "-X", "importtime", *commands["scan --staged --quiet"][1:]], cwd=repo,
                                 env=env, capture_output=True, text=True)
            rows = []
            for line in out.stderr.splitlines():
                if line.startswith("import time:") and "|" in line and "self [us]" not in line:
                    _, cumulative, name = line.split(":", 1)[1].split("|")
                    depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
                    rows.append((int(cumulative), depth, name.strip()))
            print("\nslowest top-level imports (cumulative ms):")
            for cumulative, _depth, name in sorted((r for r in rows if r[1] <= 1), reverse=True)[:15]:
                print(f"  {cumulative / 1000:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
