"""Dockerfiles rewritten to BuildKit secret mounts and run-time injection, from a real scan of
fixtures/docker; the patched Dockerfile is parsed and scanned again."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from artefact_fixtures import FIXTURES, Scanned, by_path, context, leaked, scan_root, shared_scan

from secretscan.remediation import dockerfile
from secretscan.remediation.artefact_names import env_name
from secretscan.sources.dockerfile import instructions, staged

PATCHED = "docker/docker/Dockerfile"


@pytest.fixture(scope="module")
def docker(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"docker": FIXTURES / "docker"})


def found_in_dockerfile(scanned: Scanned) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    ctx = context(scanned)
    return [(ps, loc) for ps in ctx.secrets for loc in ps.locations if loc["path"] == "docker/Dockerfile"]  # type: ignore[misc]


def test_the_patched_dockerfile_holds_no_value_and_scans_clean(docker: Scanned, tmp_path: Path) -> None:
    arts = by_path(dockerfile.generate(context(docker)))
    assert set(arts) == {PATCHED, PATCHED + ".build.sh"}
    assert docker.revealed and leaked(arts.values(), docker.revealed) == []
    out = tmp_path / "out" / "Dockerfile"
    out.parent.mkdir()
    out.write_text(arts[PATCHED].content)
    assert scan_root(out.parent).doc["items"] == []


def test_each_kind_of_finding_is_taken_out_its_own_way(docker: Scanned) -> None:
    ctx = context(docker)
    arts = by_path(dockerfile.generate(ctx))
    text = arts[PATCHED].content
    assert text.startswith("# syntax=docker/dockerfile:1.10\n")
    ins = staged(instructions(text))
    runs = [i.text for i in ins if i.keyword == "RUN"]
    checked = set()
    for ps, loc in found_in_dockerfile(docker):
        storage, locator = loc["storage"], loc["locator"]
        sid = dockerfile.secret_id(ps)
        if storage in ("dockerfile-env", "dockerfile-arg", "dockerfile-label"):
            name = locator.rsplit(" ", 1)[1]
            assert not re.search(rf"(^|\s){re.escape(name)}=", text, re.MULTILINE), locator  # the assignment is gone
        elif storage == "dockerfile-copy" and "<<" not in locator:
            source = locator.rsplit(" ", 1)[1]
            assert not [i for i in ins if i.keyword in ("COPY", "ADD") and i.text.split()[0] == source], locator
        elif " RUN " in locator:
            var = env_name(ps.env_var)
            in_body = "heredoc" in locator  # then the value was in the heredoc's body, not the RUN line
            assert [r for r in runs if f"--mount=type=secret,id={sid},env={var}" in r and (in_body or "${" + var + "}" in r)], locator
            assert "${" + var + "}" in text
        else:  # HEALTHCHECK, COPY heredoc: injected at run time
            assert "${" + env_name(ps.env_var) + "}" in text, locator
        checked.add(storage)
    assert {"dockerfile-arg", "dockerfile-env", "dockerfile-run", "dockerfile-copy"} <= checked
    # the copied .npmrc of the build stage is mounted where it was copied, by the RUNs after it
    assert [r for r in runs if "target=/root/.npmrc" in r]
    # what was not a secret stays
    assert "ENV NODE_ENV=production \\\n    CACHE_DIR=/tmp/cache\n" in text
    assert 'LABEL maintainer="ops@example.com"\n' in text
    assert len([i for i in ins if i.keyword == "FROM"]) == 2


def test_build_and_run_commands_fetch_each_value_at_that_moment(docker: Scanned) -> None:
    ctx = context(docker)
    arts = by_path(dockerfile.generate(ctx))
    script = arts[PATCHED + ".build.sh"].content
    mounts = set(re.findall(r"--mount=type=secret,id=([\w.-]+),env=(\w+)", arts[PATCHED].content))
    assert mounts
    for sid, var in mounts:
        assert f"--secret id={sid},env={var}" in script
        assert re.search(rf'^export {var}="\$\(vault kv get -mount=secret -field=value prod/docker/[\w.-]+\)"$', script, re.MULTILINE)
    files = set(re.findall(r"--mount=type=secret,id=([\w.-]+),target=", arts[PATCHED].content))
    for sid in files:
        assert f"--secret id={sid},src=" in script
    runtime = re.search(r"^docker run (.*) IMAGE$", script, re.MULTILINE)
    assert runtime is not None and "--env API_TOKEN" in runtime.group(1)


def test_a_value_that_cannot_be_located_leaves_the_dockerfile_to_a_person(docker: Scanned) -> None:
    ctx = context(docker)
    run_ps = next(ps for ps, loc in found_in_dockerfile(docker) if loc["storage"] == "dockerfile-run" and " RUN " in loc["locator"])
    wrong = tuple(replace(ps, preview="Zz…") if ps.fingerprint == run_ps.fingerprint else ps for ps in ctx.secrets)
    arts = by_path(dockerfile.generate(replace(ctx, secrets=wrong)))
    assert set(arts) == {PATCHED + ".MANUAL.txt"}
    assert "the value cannot be located exactly" in arts[PATCHED + ".MANUAL.txt"].content


def test_without_the_scanned_file_nothing_is_guessed(docker: Scanned) -> None:
    arts = by_path(dockerfile.generate(context(docker, with_root=False)))
    assert set(arts) == {PATCHED + ".MANUAL.txt"}
