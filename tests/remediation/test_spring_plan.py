"""Spring properties rewritten to placeholders, from a real scan of fixtures/spring; the
rewritten files parse, hold the placeholder where each value was, and scan clean."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from artefact_fixtures import FIXTURES, Scanned, by_path, context, leaked, scan_root, shared_scan

from secretscan.remediation import spring
from secretscan.remediation.artefact_names import property_name, spring_env_name
from secretscan.remediation.model import Backend, PlanOptions

RES = "spring/src/main/resources"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"spring": FIXTURES / "spring"})


def properties(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n[ \t]*", "", text)
    out = []
    for line in joined.splitlines():
        m = re.match(r"^\s*([^#!=:\s][^=:\s]*)\s*[=:]\s*(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2).strip()))
    return out


def yaml_value(docs: list[Any], dotted: str) -> list[Any]:
    out = []
    for doc in docs:
        node = doc
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            out.append(node)
    return out


def test_spring_env_names_follow_relaxed_binding() -> None:
    assert spring_env_name("spring.datasource.password [profile=dev]") == "SPRING_DATASOURCE_PASSWORD"
    assert spring_env_name("app.client.client-secret") == "APP_CLIENT_CLIENTSECRET"
    assert spring_env_name("servers[0].password") == "SERVERS_0_PASSWORD"


def test_every_secret_property_becomes_its_placeholder(scanned: Scanned, tmp_path: Path) -> None:
    ctx = context(scanned)
    arts = by_path(spring.generate(ctx))
    assert not [p for p in arts if p.endswith(".MANUAL.txt")]
    found = [(loc["path"], property_name(loc["locator"]), loc) for ps in ctx.secrets for loc in ps.locations if loc["storage"] == "spring-config"]
    assert len(found) >= 5
    for path, prop, loc in found:
        content = arts[f"application/{path}"].content
        if path.endswith(".properties"):
            values = [v for k, v in properties(content) if k == prop]
        else:
            values = yaml_value(list(yaml.safe_load_all(content)), prop)
        assert values, (path, prop)
        assert any(re.fullmatch(r"\$\{[A-Z][A-Z0-9_]*\}", str(v)) for v in values), (path, prop, values)
    assert scanned.revealed and leaked(arts.values(), scanned.revealed) == []
    for art in arts.values():  # the rewritten files, and the value sources, scan clean
        out = tmp_path / art.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(art.content)
    assert scan_root(tmp_path / "application").doc["items"] == []


def test_a_default_inside_a_placeholder_is_dropped_and_what_is_not_secret_stays(scanned: Scanned) -> None:
    arts = by_path(spring.generate(context(scanned)))
    yml = list(yaml.safe_load_all(arts[f"application/{RES}/application.yml"].content))
    assert yaml_value(yml, "spring.mail.password") == ["${MAIL_PASSWORD}"]  # was ${MAIL_PASSWORD:<default>}
    assert yaml_value(yml, "spring.datasource.username") == ["orders"]
    assert yaml_value(yml, "spring.datasource.url") == ["jdbc:postgresql://db:5432/orders"]
    assert yaml_value(yml, "spring.datasource.password") == ["${DB_PASSWORD}", "${SPRING_DATASOURCE_PASSWORD}"]
    props: dict[str, str] = {}
    for key, value in properties(arts[f"application/{RES}/application-dev.properties"].content):
        props.setdefault(key, value)  # the first document (profile dev), not the one after #---
    assert props["spring.datasource.password"] == "${SPRING_DATASOURCE_PASSWORD}"
    assert props["spring.mail.password"] == "${MAIL_PASSWORD}"


def test_the_value_of_the_plan_environment_wins_for_a_property_of_several_profiles(scanned: Scanned) -> None:
    ctx = context(scanned)
    arts = by_path(spring.generate(ctx))
    agent = next(a for p, a in arts.items() if p.endswith("/vault-agent.hcl")).content
    path = re.search(r'env_template "SPRING_DATASOURCE_PASSWORD" \{\n  contents = "\{\{ with secret \\"secret/data/([^\\]+)\\"', agent)
    assert path is not None
    chosen = next(ps for ps in ctx.secrets if ps.backend_path == f"secret/data/{path.group(1)}")
    assert [loc["locator"] for loc in chosen.locations] == ["spring.datasource.password [profile=prod]"]


def test_value_sources_for_vault(scanned: Scanned) -> None:
    ctx = context(scanned)
    arts = by_path(spring.generate(ctx))
    service = ctx.secrets[0].service if all(ps.service == ctx.secrets[0].service for ps in ctx.secrets) else "spring"
    base = f"application/{service}"
    assert {f"{base}/README.md", f"{base}/kubernetes-envfrom.yaml", f"{base}/vault-agent.hcl", f"{base}/application-vault.yml"} <= set(arts)
    envfrom = yaml.safe_load(arts[f"{base}/kubernetes-envfrom.yaml"].content)
    assert envfrom == {"containers": [{"name": service, "envFrom": [{"secretRef": {"name": f"{service}-env"}}]}]}
    profile = yaml.safe_load(arts[f"{base}/application-vault.yml"].content)
    imports = profile["spring"]["config"]["import"]
    assert profile["spring"]["cloud"]["vault"]["authentication"] == "KUBERNETES"
    aliases = {k: v for k, v in profile.items() if k != "spring"}
    assert "SPRING_DATASOURCE_PASSWORD" in aliases
    for env, ref in aliases.items():  # each placeholder is defined from an imported prefix
        prefix = re.fullmatch(r"\$\{(secretscan\.[\w.-]+\.)value\}", ref)
        assert prefix is not None and [i for i in imports if i.endswith(f"?prefix={prefix.group(1)}")], env
    agent = arts[f"{base}/vault-agent.hcl"].content
    assert 'method "kubernetes"' in agent and "restart_on_secret_changes" in agent
    assert sorted(re.findall(r'env_template "(\w+)"', agent)) == sorted(aliases)


@pytest.mark.parametrize(("backend", "marker"), [(Backend.AWS, "aws-secretsmanager:"), (Backend.GCP, "${sm@"), (Backend.AZURE, "property-sources")])
def test_value_sources_for_a_cloud_backend(scanned: Scanned, backend: Backend, marker: str) -> None:
    arts = by_path(spring.generate(context(scanned, PlanOptions(backend=backend))))
    profile = [a for p, a in arts.items() if p.endswith(f"/application-{backend.value}.yml")]
    assert len(profile) == 1 and marker in profile[0].content
    yaml.safe_load(profile[0].content)
    assert not [p for p in arts if p.endswith(("vault-agent.hcl", "application-vault.yml"))]


def test_an_unlocatable_value_leaves_its_file_to_a_person(scanned: Scanned) -> None:
    ctx = context(scanned)
    target = next(ps for ps in ctx.secrets for loc in ps.locations if loc["path"].endswith("bootstrap.yml"))
    wrong = tuple(replace(ps, preview="Qq…") if ps.fingerprint == target.fingerprint else ps for ps in ctx.secrets)
    arts = by_path(spring.generate(replace(ctx, secrets=wrong)))
    assert f"application/{RES}/bootstrap.yml.MANUAL.txt" in arts
    assert f"application/{RES}/bootstrap.yml" not in arts
    assert f"application/{RES}/application.yml" in arts
