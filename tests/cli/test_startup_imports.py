"""The pre-commit path stays light: `scan --staged` judging one clean staged file imports none
of the modules only other paths need, and compiles none of the lazily compiled patterns a
clean file does not reach. Exact module names, read from the finished process (no timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from git_fixtures import init

# Runs the real entry point, then writes what it imported and which lazy patterns it compiled.
WRAPPER = """
import json, runpy, sys
out, sys.argv = sys.argv[1], ["secretscan", *sys.argv[2:]]
try:
    runpy.run_module("secretscan", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
from secretscan.lazyre import CompiledPattern
compiled = sorted(
    f"{name}.{attr}"
    for name, module in list(sys.modules.items())
    if name.startswith("secretscan.")
    for attr, value in vars(module).items()
    if isinstance(value, CompiledPattern)
)
with open(out, "w") as fh:
    json.dump({"modules": sorted(sys.modules), "compiled": compiled}, fh)
sys.exit(code)
"""

# Imported only by the paths that need them: rendering (rich), a baseline, the other parsers,
# TOML config, the history walker, reports and the inventory.
NOT_ON_A_CLEAN_HOOK_RUN = {
    "rich",
    "rich.console",
    "rich.table",
    "secretscan.report",
    "secretscan.report.console",
    "secretscan.report.jsonfmt",
    "secretscan.report.sarif",
    "secretscan.cli.baseline_support",
    "secretscan.cli.progress",
    "secretscan.inventory.baseline",
    "secrets",
    "tomllib",
    "traceback",
    "yaml",
    "git",
    "tree_sitter",
    "secretscan.sources.code",
    "secretscan.sources.code_lang",
    "secretscan.sources.compose",
    "secretscan.sources.cmdline",
    "secretscan.sources.dockerfile",
    "secretscan.sources.dotenv",
    "secretscan.sources.kubernetes",
    "secretscan.sources.spring",
    "secretscan.sources.terraform",
    "secretscan.sources.git_history",
    "secretscan.inventory.build",
    "secretscan.remediation",
}


def staged_run(repo: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str], list[str]]:
    """The second of two runs: the first fills the caches (pattern database, parsed rules) as a
    hook's earlier commits have."""
    warm = [sys.executable, "-m", "secretscan", "scan", "--staged", *args]
    subprocess.run(warm, cwd=repo, capture_output=True, timeout=300, check=True)
    out = tmp_path / "loaded.json"
    res = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(out), "scan", "--staged", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    loaded = json.loads(out.read_text())
    return res, set(loaded["modules"]), loaded["compiled"]


def clean_staged_repo(tmp_path: Path) -> Path:
    repo = init(tmp_path / "repo")
    repo.commit("init")
    repo.write("settings.cfg", "# the demo service\nname = demo\nport = 8080\nlog_level = info\n" * 20)
    repo.git("add", "settings.cfg")
    return repo.path


def test_quiet_clean_staged_scan_imports_only_what_it_uses(tmp_path: Path) -> None:
    res, loaded, compiled = staged_run(clean_staged_repo(tmp_path), tmp_path, "--quiet")
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")
    assert loaded & NOT_ON_A_CLEAN_HOOK_RUN == set()
    # the one parser the path selects is imported: the check above saw a real parse
    assert {"secretscan.sources.configfiles", "secretscan.detect.filters", "secretscan.sources.names"} <= loaded
    # no candidate to filter, no allow comment to look for, nothing to decode: the one pattern
    # compiled splits the file's key names
    assert compiled == ["secretscan.sources.names._CAMEL"]


def test_clean_staged_scan_with_summary_draws_no_table(tmp_path: Path) -> None:
    res, loaded, _ = staged_run(clean_staged_repo(tmp_path), tmp_path)
    assert (res.returncode, res.stdout.splitlines()[0], res.stderr) == (0, "No secrets found.", "")
    drawing = {"rich", "rich.console", "secretscan.report", "secretscan.report.console"}
    assert drawing <= loaded
    # the report package's registry brings the text formatters along; rich's table is not drawn
    assert loaded & NOT_ON_A_CLEAN_HOOK_RUN == drawing | {"secretscan.report.jsonfmt", "secretscan.report.sarif"}
