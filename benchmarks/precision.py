#!/usr/bin/env python3
"""Precision on real code: findings per 100 MB of widely used code nobody here wrote.

The corpus holds code that should carry almost no live secrets, so nearly every finding
is noise (or a documented example) to review:

* the standard library of the Python running this script (no site-packages, no caches);
* the files of a FIXED list of popular PyPI distributions, at pinned versions, installed
  without their dependencies (each listed on its own) into a venv under the cache folder;
  only the files each distribution's RECORD names are taken;
* the files of a FIXED list of popular npm packages, at pinned versions, installed with
  ``npm install --prefix`` under the cache folder; only those packages' own folders are
  taken (not the dependencies npm resolves, which drift, nor nested node_modules).

Files are hard-linked (or copied) into ``<cache>/corpus`` and scanned with the real CLI
(``secretscan scan --no-git -f json``). The script prints the corpus size, findings per
100 MB overall and by confidence, findings by rule, and every finding at medium confidence
or above (rule, path, line, preview) for review; ``--low`` lists the low ones too.
Private keys shipped in test folders (CPython's test certdata...) are real key material:
they are counted and listed apart.

    python benchmarks/precision.py [--refresh] [--low] [--context] [--cache DIR]

The corpus is built once and kept; ``--refresh`` rebuilds it (a change of the pins below
rebuilds it too). Needs PyPI and the npm registry the first time.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

# Popular PyPI distributions, installed with --no-deps: every distribution taken is listed.
PYPI_PINS: dict[str, str] = {
    "aiohttp": "3.14.5",
    "alembic": "1.20.1",
    "ansible-core": "2.19.14",
    "azure-identity": "1.27.0",
    "azure-storage-blob": "12.31.1",
    "boto3": "1.44.5",
    "botocore": "1.44.5",
    "celery": "5.7.0",
    "click": "8.5.1",
    "cryptography": "50.0.2",
    "Django": "5.2.19",
    "docutils": "0.23",
    "fastapi": "0.165.0",
    "Flask": "3.1.3",
    "google-api-python-client": "2.202.0",
    "google-auth": "2.62.2",
    "httpx": "0.28.1",
    "huggingface_hub": "2.4.0",
    "Jinja2": "3.1.6",
    "kombu": "5.7.0",
    "kubernetes": "37.0.2",
    "numpy": "2.4.6",
    "openai": "3.54.0",
    "pandas": "3.1.1",
    "paramiko": "5.1.0",
    "pydantic": "2.14.3",
    "pydantic_core": "2.50.4",
    "Pygments": "2.21.0",
    "PyJWT": "2.15.1",
    "pymongo": "4.20.0",
    "pytest": "9.2.0",
    "PyYAML": "6.0.3",
    "redis": "8.1.0",
    "requests": "2.34.2",
    "rich": "15.0.0",
    "s3transfer": "0.19.3",
    "scikit-learn": "1.9.1",
    "sentry-sdk": "2.75.0",
    "slack_sdk": "3.47.0",
    "Sphinx": "9.0.4",
    "SQLAlchemy": "2.1.9",
    "starlette": "1.10.0",
    "stripe": "16.1.0",
    "tornado": "6.6.1",
    "transformers": "5.23.0",
    "twilio": "9.13.0",
    "urllib3": "2.8.0",
    "Werkzeug": "3.1.9",
}

# Popular npm packages; only their own folders enter the corpus.
NPM_PINS: dict[str, str] = {
    "@angular/core": "21.2.26",
    "@aws-sdk/client-s3": "3.1169.0",
    "@babel/core": "7.29.13",
    "@octokit/rest": "22.0.1",
    "@sentry/node": "11.12.0",
    "@slack/web-api": "8.2.0",
    "aws-sdk": "2.1693.0",
    "axios": "1.21.1",
    "chalk": "5.6.2",
    "commander": "14.0.3",
    "date-fns": "4.4.0",
    "dotenv": "18.0.10",
    "eslint": "10.15.0",
    "express": "5.3.0",
    "graphql": "16.15.0",
    "jose": "6.2.17",
    "jquery": "4.0.0",
    "jsonwebtoken": "9.0.3",
    "knex": "3.3.0",
    "lodash": "4.18.1",
    "moment": "2.31.0",
    "mongoose": "9.12.1",
    "mysql2": "3.24.6",
    "node-forge": "1.4.3",
    "openai": "6.49.0",
    "passport": "0.7.0",
    "pg": "8.23.1",
    "prettier": "3.10.1",
    "react": "19.3.1",
    "react-dom": "19.3.1",
    "redis": "6.3.1",
    "rxjs": "7.8.2",
    "sequelize": "6.37.8",
    "socket.io": "4.8.4",
    "stripe": "23.1.0",
    "three": "0.187.0",
    "twilio": "6.2.0",
    "typescript": "7.0.2",
    "uuid": "14.0.3",
    "vue": "3.5.45",
    "webpack": "5.112.2",
    "ws": "8.23.0",
    "yargs": "18.2.0",
}

DEFAULT_CACHE = Path.home() / ".cache" / "secretscan-bench" / "precision"
CONFIDENCES = ("low", "medium", "high")
TARGET_PER_100MB = 5.0
MB = 1_000_000
# Private keys that test suites ship on purpose (CPython's test certdata...): real keys, reported apart.
# (Certificates are public: they stay with the other findings, at low confidence.)
KEY_KINDS = frozenset({"private_key"})
TEST_DIRS = frozenset({"test", "tests", "testing", "testdata", "test_data", "fixtures", "__tests__", "spec"})


# ---------------------------------------------------------------- corpus


def manifest() -> dict[str, object]:
    """What the corpus is made of; a different manifest means the corpus is rebuilt."""
    return {
        "python": sys.version.split()[0],
        "stdlib": sysconfig.get_paths()["stdlib"],
        "pypi": PYPI_PINS,
        "npm": NPM_PINS,
        "layout": 1,
    }


def ensure_corpus(cache: Path, refresh: bool) -> Path:
    corpus = cache / "corpus"
    stamp = cache / "corpus.json"
    wanted = manifest()
    if not refresh and corpus.is_dir() and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return corpus
    cache.mkdir(parents=True, exist_ok=True)
    site = install_pypi(cache / "venv", refresh)
    modules = install_npm(cache / "npm", refresh)
    staging = cache / "corpus.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    link_all(stdlib_files(), staging / "stdlib")
    link_all(pypi_files(site), staging / "site-packages")
    link_all(npm_files(modules), staging / "node_modules")
    shutil.rmtree(corpus, ignore_errors=True)
    staging.rename(corpus)
    stamp.write_text(json.dumps(wanted, indent=1))
    return corpus


def run(cmd: list[str]) -> None:
    print("$", " ".join(cmd[:6]), "..." if len(cmd) > 6 else "", file=sys.stderr)
    subprocess.run(cmd, check=True)


def install_pypi(venv: Path, refresh: bool) -> Path:
    """A venv holding exactly the pinned distributions; returns its site-packages."""
    if refresh:
        shutil.rmtree(venv, ignore_errors=True)
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    pins = [f"{name}=={version}" for name, version in PYPI_PINS.items()]
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check", *pins])
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return Path(out.stdout.strip())


def install_npm(prefix: Path, refresh: bool) -> Path:
    """``npm install --prefix`` of the pinned packages (no install scripts); returns node_modules."""
    if refresh:
        shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True, exist_ok=True)
    package = {"name": "secretscan-precision-corpus", "private": True, "dependencies": NPM_PINS}
    (prefix / "package.json").write_text(json.dumps(package, indent=1))
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found: it is needed to build the npm part of the corpus")
    flags = ["--ignore-scripts", "--omit=optional", "--no-audit", "--no-fund", "--legacy-peer-deps", "--loglevel=error"]
    run([npm, "install", "--prefix", str(prefix), *flags])
    return prefix / "node_modules"


def stdlib_files() -> Iterator[tuple[Path, str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "dist-packages", "__pycache__"}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.endswith((".pyc", ".pyo")):
                yield path, path.relative_to(root).as_posix()


def pypi_files(site: Path) -> Iterator[tuple[Path, str]]:
    """The files each pinned distribution's RECORD lists, inside site-packages."""
    wanted = {_norm(name): version for name, version in PYPI_PINS.items()}
    found: set[str] = set()
    for info in sorted(site.glob("*.dist-info")):
        name, _, version = info.name[: -len(".dist-info")].partition("-")
        if _norm(name) not in wanted:
            continue
        if wanted[_norm(name)] != version:
            sys.exit(f"{name} {version} installed, {wanted[_norm(name)]} pinned: rerun with --refresh")
        found.add(_norm(name))
        yield from _record_files(site, info / "RECORD")
    missing = set(wanted) - found
    if missing:
        sys.exit(f"not installed: {', '.join(sorted(missing))}")


def _record_files(site: Path, record: Path) -> Iterator[tuple[Path, str]]:
    with record.open(newline="") as handle:
        for row in csv.reader(handle):
            if not row:
                continue
            rel = PurePosixPath(row[0])
            if ".." in rel.parts or "__pycache__" in rel.parts or rel.suffix in (".pyc", ".pyo"):
                continue  # scripts outside site-packages, byte code
            path = site / rel
            if path.is_file():
                yield path, rel.as_posix()


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def npm_files(modules: Path) -> Iterator[tuple[Path, str]]:
    for name, version in NPM_PINS.items():
        folder = modules / name
        got = json.loads((folder / "package.json").read_text()).get("version")
        if got != version:
            sys.exit(f"npm {name} {got} installed, {version} pinned: rerun with --refresh")
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "node_modules")
            for file in sorted(filenames):
                path = Path(dirpath) / file
                if not path.is_symlink():
                    yield path, path.relative_to(modules).as_posix()


def link_all(files: Iterable[tuple[Path, str]], dest: Path) -> None:
    for source, rel in files:
        target = dest / rel
        if target.exists():
            continue  # two distributions sharing a path (namespace packages' __init__)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


# ---------------------------------------------------------------- scan and report


@dataclass(frozen=True)
class Occurrence:
    rule: str
    confidence: str
    kind: str
    path: str
    line: int
    preview: str
    fingerprint: str

    @property
    def test_key_material(self) -> bool:
        """A private key in a test folder: real key material shipped on purpose."""
        parts = {p.lower() for p in PurePosixPath(self.path).parts[:-1]}
        return self.kind in KEY_KINDS and bool(parts & TEST_DIRS)


def scan(corpus: Path, secretscan: str, raw_out: Path | None) -> tuple[dict[str, Any], float]:
    cmd = [secretscan, "scan", "--no-git", "-f", "json", "-q", "--fail-on", "none", str(corpus)]
    print("$", " ".join(cmd), file=sys.stderr)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"secretscan failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    if raw_out is not None:
        raw_out.write_bytes(proc.stdout)
    return json.loads(proc.stdout), seconds


def occurrences(report: dict[str, Any]) -> list[Occurrence]:
    out: list[Occurrence] = []
    for f in report["findings"]:
        if f["status"] != "new":
            continue
        for loc in f["locations"]:
            where = (loc["path"], loc["line"])
            out.append(Occurrence(f["rule_id"], f["confidence"], f["kind"], *where, f["preview"], f["fingerprint"]))
    return sorted(out, key=lambda o: (o.path, o.line, o.rule))


def corpus_size(corpus: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _, filenames in os.walk(corpus):
        for name in filenames:
            files += 1
            size += os.stat(os.path.join(dirpath, name)).st_size
    return files, size


def per_100mb(count: int, scanned: int) -> str:
    return f"{count * 100 * MB / scanned:7.2f}" if scanned else "    n/a"


def print_report(corpus: Path, report: dict[str, Any], seconds: float, args: argparse.Namespace) -> None:
    summary = report["summary"]
    scanned = int(summary["bytes_scanned"])
    files, size = corpus_size(corpus)
    occ = occurrences(report)
    parts = {part: corpus_size(corpus / part) for part in ("stdlib", "site-packages", "node_modules")}
    print(f"corpus: {corpus}")
    python = sys.version.split()[0]
    print(f"  Python {python} stdlib, {len(PYPI_PINS)} PyPI distributions, {len(NPM_PINS)} npm packages")
    for part, (n, b) in parts.items():
        print(f"  {part:<14} {n:7} files {b / MB:8.1f} MB on disk")
    blobs, skipped, rules = summary["blobs_scanned"], summary["skipped"], summary["rules"]
    print(f"  {files} files, {size / MB:.1f} MB on disk; scanned as text: {blobs} unique blobs, {scanned / MB:.1f} MB")
    print(f"  ({skipped} skipped: binary or too large); scan: {seconds:.1f} s wall, {rules} rules")
    print()
    _print_rates(occ, scanned)
    _print_target(occ, scanned)
    _print_by_rule(occ)
    keys = [o for o in occ if o.test_key_material]
    review = [o for o in occ if not o.test_key_material and o.confidence != "low"]
    _print_list("medium confidence or above (to review)", review, corpus, args.context)
    _print_list("private keys shipped in test folders (true findings)", keys, corpus, args.context)
    if args.low:
        low = [o for o in occ if not o.test_key_material and o.confidence == "low"]
        _print_list("low confidence", low, corpus, args.context)


def _print_rates(occ: list[Occurrence], scanned: int) -> None:
    rest = [o for o in occ if not o.test_key_material]
    print("per 100 MB scanned        secrets  locations   secrets/100MB  locations/100MB")
    keys = [o for o in occ if o.test_key_material]
    rows = [("all", occ), ("  test-folder private keys", keys), ("  the rest", rest)]
    rows += [(f"  the rest, {c}", [o for o in rest if o.confidence == c]) for c in CONFIDENCES]
    rows.append(("  the rest, medium or above", [o for o in rest if o.confidence != "low"]))
    rows.append(("all, medium or above", [o for o in occ if o.confidence != "low"]))
    for label, group in rows:
        secrets = len({o.fingerprint for o in group})
        rates = f"{per_100mb(secrets, scanned)}        {per_100mb(len(group), scanned)}"
        print(f"{label:<28}{secrets:>6}{len(group):>10}      {rates}")
    print()


def _print_target(occ: list[Occurrence], scanned: int) -> None:
    """The issue's target: at most 5 findings at medium confidence or above per 100 MB."""
    above = [o for o in occ if o.confidence != "low"]
    rate = len({o.fingerprint for o in above}) * 100 * MB / scanned if scanned else 0.0
    verdict = "met" if rate <= TARGET_PER_100MB else "MISSED"
    print(f"target: <= {TARGET_PER_100MB} medium-or-above secrets per 100 MB (test-folder keys included): "
          f"{rate:.2f}, {verdict}")
    print()


def _print_by_rule(occ: list[Occurrence]) -> None:
    counts = collections.Counter((o.rule, o.confidence) for o in occ)
    print("by rule (locations)")
    for (rule, conf), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:6}  {conf:<7} {rule}")
    print()


def _print_list(title: str, group: list[Occurrence], corpus: Path, context: bool) -> None:
    print(f"{title}: {len(group)}")
    for o in group:
        print(f"  {o.confidence:<6} {o.rule}  {o.path}:{o.line}  {o.preview}")
        if context:
            print(f"         | {_line_of(corpus / o.path, o.line)}")
    print()


def _line_of(path: Path, number: int) -> str:
    try:
        with path.open("rb") as handle:
            for i, raw in enumerate(handle, 1):
                if i == number:
                    text = raw.decode("utf-8", errors="replace").strip()
                    return text if len(text) <= 160 else text[:157] + "..."
    except OSError:
        pass
    return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refresh", action="store_true", help="reinstall the packages and rebuild the corpus")
    ap.add_argument("--low", action="store_true", help="also list the low-confidence findings")
    ap.add_argument("--context", action="store_true", help="print each finding's source line (public code)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"cache folder (default {DEFAULT_CACHE})")
    ap.add_argument("--secretscan", default=None, help="the CLI to run (default: the one beside this Python)")
    ap.add_argument("--json-out", type=Path, help="also keep the raw JSON report here")
    args = ap.parse_args()
    cli = args.secretscan or str(Path(sys.executable).parent / "secretscan")
    if not Path(cli).exists() and shutil.which(cli) is None:
        sys.exit(f"secretscan CLI not found at {cli}: pass --secretscan")
    corpus = ensure_corpus(args.cache, args.refresh)
    report, seconds = scan(corpus, cli, args.json_out)
    print_report(corpus, report, seconds, args)


if __name__ == "__main__":
    main()
