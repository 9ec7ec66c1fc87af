"""The bundled demo: every secret line is annotated with the rule expected on it
(`expect: <rule-id>`), clean lines with `clean`; files that cannot hold comments are listed
in `.expected` as `path:line rule-id`. The scan must find exactly that set."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

DEMO = FIXTURES / "demo"
EXPECT = re.compile(r"expect: ([a-z0-9_.,\s-]+)")


def expected(root: Path) -> set[tuple[str, str, int]]:
    out: set[tuple[str, str, int]] = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".expected"):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = EXPECT.search(line)
            if m:
                out |= {(rule.strip(), rel, number) for rule in m.group(1).split(",") if rule.strip()}
    side = root / ".expected"
    if side.exists():
        for entry in side.read_text().splitlines():
            where, rule = entry.split()
            rel, line = where.rsplit(":", 1)
            out.add((rule, rel, int(line)))
    return out


def found(root: Path) -> set[tuple[str, str, int]]:
    res = subprocess.run(
        [sys.executable, "-m", "secretscan", "scan", "--no-git", "-f", "json", str(root)],
        capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    assert doc["skipped"] == []
    return {(f["rule_id"], loc["path"], loc["line"]) for f in doc["findings"] for loc in f["locations"]}


def test_demo_findings_are_exactly_the_annotated_lines() -> None:
    want = expected(DEMO)
    assert len(want) >= 10
    assert found(DEMO) == want


def test_every_demo_line_with_a_value_is_annotated() -> None:
    for path in ("app/settings.py", ".env", "scripts/upload.sh"):
        for line in (DEMO / path).read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                assert "expect:" in line or "clean" in line, f"{path}: unannotated line {line!r}"
