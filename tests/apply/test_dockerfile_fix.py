"""Dockerfile secrets taken out of the working tree as minimal span edits: the real scan and plan
of a Dockerfile in tmp_path, the edits applied, then the same pipeline run again."""

from __future__ import annotations

from pathlib import Path

from secretscan.apply import dockerfile_fix
from secretscan.apply.model import FileChange, sha256_bytes
from secretscan.cli.apply_support import prepare
from secretscan.remediation import dockerfile
from secretscan.remediation.model import PlanContext, PlanOptions

NPM = "npm_Arg9mQ2xLp7nK4sT8wZ1cB6hJ0dF5gA2eRqq"
VALUES = {  # value -> its redacted preview
    NPM: "npm_…eRqq",
    "Env-Bu1ld-Pw-42": "Env…42",
    "Env-Ap1-T0ken-Vq77": "Env…77",
    "Smtp-Pa55-Word-19": "Smt…19",
    "Lbl-Pw-0091-zz": "Lbl…zz",
    "Curl-Pa55-91x": "Cur…1x",
}
BEFORE = f"""# syntax=docker/dockerfile:1.6
FROM node:20-alpine AS build
# build settings
ARG NPM_TOKEN={NPM}
ENV NODE_ENV=production \\
    DB_PASSWORD="Env-Bu1ld-Pw-42" \\
    CACHE_DIR=/tmp/cache
ENV API_TOKEN=Env-Ap1-T0ken-Vq77 SMTP_PASSWORD='Smtp-Pa55-Word-19'
RUN npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN" && npm ci
RUN curl -H "Authorization: Bearer ${{API_TOKEN}}" https://example.com/x
RUN curl -fsSL -u deploy:Curl-Pa55-91x \\
      https://artifacts.example.com/pkg.tgz -o /tmp/pkg.tgz

FROM nginx:1.25
LABEL maintainer="ops@example.com" \\
      registry.password="Lbl-Pw-0091-zz"
CMD ["nginx", "-g", "daemon off;"]
"""
AFTER = """# syntax=docker/dockerfile:1.10
# secretscan: LABEL registry.password removed: image metadata is readable by anyone who can pull the image
FROM node:20-alpine AS build
# build settings
ENV NODE_ENV=production \\
    CACHE_DIR=/tmp/cache
RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN" && npm ci
RUN --mount=type=secret,id=api-token,env=API_TOKEN curl -H "Authorization: Bearer ${API_TOKEN}" https://example.com/x
RUN --mount=type=secret,id=dockerfile-run-credential,env=DOCKERFILE_RUN_CREDENTIAL curl -fsSL -u deploy:${DOCKERFILE_RUN_CREDENTIAL} \\
      https://artifacts.example.com/pkg.tgz -o /tmp/pkg.tgz

FROM nginx:1.25
LABEL maintainer="ops@example.com"
CMD ["nginx", "-g", "daemon off;"]
"""


def context(root: Path) -> PlanContext:
    return prepare(root, PlanOptions(), None, reveal=False).ctx


def write_changes(root: Path, changes: list[FileChange]) -> None:
    for c in changes:
        target = root / c.path
        before = target.read_text(encoding="utf-8") if c.before_sha256 is not None else ""
        target.write_text(c.after_text(before) or "", encoding="utf-8")


def one_change(root: Path) -> FileChange:
    changes, manual = dockerfile_fix.changes(context(root))
    assert manual == []
    assert [c.path for c in changes] == ["Dockerfile"]
    return changes[0]


def test_env_arg_label_and_run_values_become_secret_mounts(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BEFORE, encoding="utf-8")
    change = one_change(tmp_path)
    assert change.kind == "dockerfile-secret-mount"
    assert change.before_sha256 == sha256_bytes(BEFORE.encode())
    assert change.after_text(BEFORE) == AFTER
    assert not change.delete and not change.untrack
    assert len(change.fingerprints) == 6
    # the same text as the plan's patched artefact: the fixer reuses the planner's edits
    ctx = context(tmp_path)
    assert {a.path: a.content for a in dockerfile.generate(ctx)}["docker/Dockerfile"] == AFTER


def test_edits_are_minimal_and_masks_cover_exactly_the_values(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BEFORE, encoding="utf-8")
    change = one_change(tmp_path)
    removed = [BEFORE[e.start : e.end] for e in change.edits if e.end > e.start]
    assert removed == [
        "# syntax=docker/dockerfile:1.6",
        f"ARG NPM_TOKEN={NPM}\n",
        ' \\\n    DB_PASSWORD="Env-Bu1ld-Pw-42"',
        "ENV API_TOKEN=Env-Ap1-T0ken-Vq77 SMTP_PASSWORD='Smtp-Pa55-Word-19'\n",
        "Curl-Pa55-91x",
        ' \\\n      registry.password="Lbl-Pw-0091-zz"',
    ]
    assert {(BEFORE[m.start : m.end], m.preview) for m in change.masks} == set(VALUES.items())
    assert len(change.masks) == len(VALUES)
    for m in change.masks:  # each value lies inside a replaced span
        assert any(e.start <= m.start and m.end <= e.end for e in change.edits)
    # nothing a record carries holds a value
    shown = change.description + "".join(e.replacement for e in change.edits)
    assert [v for v in VALUES if v in shown] == []


def test_applying_then_planning_again_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BEFORE, encoding="utf-8")
    write_changes(tmp_path, [one_change(tmp_path)])
    assert (tmp_path / "Dockerfile").read_text(encoding="utf-8") == AFTER
    assert dockerfile_fix.changes(context(tmp_path)) == ([], [])


def test_a_value_that_moved_since_the_scan_is_left_to_a_person(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BEFORE, encoding="utf-8")
    ctx = context(tmp_path)
    moved = BEFORE.replace("curl -fsSL -u deploy:", "curl -fsSL --user deploy:")
    (tmp_path / "Dockerfile").write_text(moved, encoding="utf-8")
    changes, manual = dockerfile_fix.changes(ctx)
    assert changes == []
    assert [(m.path, m.reason) for m in manual] == [
        ("Dockerfile", "line 11: stage=build RUN (curl -u): the value cannot be located exactly")
    ]
    assert len(manual[0].fingerprints) == 6


def test_an_assignment_whose_name_is_gone_is_not_silently_kept(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\nENV DB_PASSWORD=Env-Bu1ld-Pw-42\n", encoding="utf-8")
    ctx = context(tmp_path)
    # the line now names another variable: the edit would leave the value in the file
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\nENV DB_PASSWORX=Env-Bu1ld-Pw-42\n", encoding="utf-8")
    changes, manual = dockerfile_fix.changes(ctx)
    assert changes == []
    assert [(m.path, m.reason) for m in manual] == [
        ("Dockerfile", "1 value(s) would stay in the file after the edit: edit it by hand")
    ]


def test_a_file_without_findings_is_not_touched(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\nENV MODE=prod\n", encoding="utf-8")
    assert dockerfile_fix.changes(context(tmp_path)) == ([], [])
