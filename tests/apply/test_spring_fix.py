"""Spring values replaced by ``${ENV}`` placeholders in the working tree, span by span: the real
scan and plan of Spring files in tmp_path, the edits applied, then the same pipeline run again."""

from __future__ import annotations

from pathlib import Path

from git_fixtures import token

from secretscan.apply import spring_fix
from secretscan.apply.model import FileChange, sha256_bytes
from secretscan.cli.apply_support import prepare
from secretscan.remediation.model import PlanContext, PlanOptions

GH = token("spring-fix")
YML = "src/main/resources/application.yml"
PROPS = "src/main/resources/application-dev.properties"

YML_BEFORE = f"""# orders service
spring:
  datasource:
    url: jdbc:postgresql://db:5432/orders   # primary
    username: orders
    password: 'Spr-Qu0ted-Db-Pw-55'   # rotate me
  mail:
    password: ${{MAIL_PASSWORD:Spr-Mail-Dflt-71}}
app:
  github:
    token: {GH}
  payments:
    api-key: "Spr-Pay-Ap1-K3y-20"
    currency: EUR
"""
YML_AFTER = """# orders service
spring:
  datasource:
    url: jdbc:postgresql://db:5432/orders   # primary
    username: orders
    password: '${SPRING_DATASOURCE_PASSWORD}'   # rotate me
  mail:
    password: ${MAIL_PASSWORD}
app:
  github:
    token: ${APP_GITHUB_TOKEN}
  payments:
    api-key: "${APP_PAYMENTS_APIKEY}"
    currency: EUR
"""
PROPS_BEFORE = """# development profile
spring.datasource.url=jdbc:postgresql://localhost:5432/orders
spring.datasource.password = Spr-Dev-Db-Pw-13
app.client.client-secret=Spr-Dev-Cl13nt-\\
    S3cr3t-44
server.port=8080
"""
PROPS_AFTER = """# development profile
spring.datasource.url=jdbc:postgresql://localhost:5432/orders
spring.datasource.password = ${SPRING_DATASOURCE_PASSWORD}
app.client.client-secret=${APP_CLIENT_CLIENTSECRET}
server.port=8080
"""
YML_VALUES = {
    "Spr-Qu0ted-Db-Pw-55": "Spr…55",
    "Spr-Mail-Dflt-71": "Spr…71",
    GH: GH[:4] + "…" + GH[-4:],
    "Spr-Pay-Ap1-K3y-20": "Spr…20",
}
PROPS_VALUES = {"Spr-Dev-Db-Pw-13": "Spr…13", "Spr-Dev-Cl13nt-\\\n    S3cr3t-44": "Spr-…t-44"}


def make_tree(root: Path) -> None:
    for rel, text in ((YML, YML_BEFORE), (PROPS, PROPS_BEFORE)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def context(root: Path) -> PlanContext:
    return prepare(root, PlanOptions(), None, reveal=False).ctx


def by_path(root: Path) -> dict[str, FileChange]:
    changes, manual = spring_fix.changes(context(root))
    assert manual == []
    return {c.path: c for c in changes}


def test_each_value_becomes_its_placeholder_and_nothing_else_changes(tmp_path: Path) -> None:
    make_tree(tmp_path)
    changes = by_path(tmp_path)
    assert set(changes) == {YML, PROPS}
    assert changes[YML].after_text(YML_BEFORE) == YML_AFTER
    assert changes[PROPS].after_text(PROPS_BEFORE) == PROPS_AFTER
    for path, before in ((YML, YML_BEFORE), (PROPS, PROPS_BEFORE)):
        assert changes[path].kind == "spring-placeholder"
        assert changes[path].before_sha256 == sha256_bytes(before.encode())
    # only the values (and a default's ':' before it) are replaced
    assert [YML_BEFORE[e.start : e.end] for e in changes[YML].edits] == [
        "Spr-Qu0ted-Db-Pw-55",
        ":Spr-Mail-Dflt-71",
        GH,
        "Spr-Pay-Ap1-K3y-20",
    ]
    assert [PROPS_BEFORE[e.start : e.end] for e in changes[PROPS].edits] == list(PROPS_VALUES)


def test_masks_cover_exactly_the_values_and_no_record_holds_one(tmp_path: Path) -> None:
    make_tree(tmp_path)
    changes = by_path(tmp_path)
    for path, before, values in ((YML, YML_BEFORE, YML_VALUES), (PROPS, PROPS_BEFORE, PROPS_VALUES)):
        change = changes[path]
        assert [(before[m.start : m.end], m.preview) for m in change.masks] == list(values.items())
        shown = (
            change.description + "".join(e.replacement for e in change.edits) + "".join(m.preview for m in change.masks)
        )
        assert [v for v in values if v in shown] == []
    assert changes[YML].description == (
        f"{YML}: 4 secret(s) become placeholders (${{APP_GITHUB_TOKEN}}, ${{APP_PAYMENTS_APIKEY}}, "
        "${MAIL_PASSWORD}, ${SPRING_DATASOURCE_PASSWORD}), set from vault"
    )


def test_applying_then_planning_again_changes_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path)
    for path, change in by_path(tmp_path).items():
        before = (tmp_path / path).read_text(encoding="utf-8")
        (tmp_path / path).write_text(change.after_text(before) or "", encoding="utf-8")
    assert (tmp_path / YML).read_text(encoding="utf-8") == YML_AFTER
    assert (tmp_path / PROPS).read_text(encoding="utf-8") == PROPS_AFTER
    assert spring_fix.changes(context(tmp_path)) == ([], [])


def test_a_file_whose_value_moved_since_the_scan_is_left_to_a_person(tmp_path: Path) -> None:
    make_tree(tmp_path)
    ctx = context(tmp_path)
    (tmp_path / PROPS).write_text(PROPS_BEFORE.replace("password = ", "password="), encoding="utf-8")
    changes, manual = spring_fix.changes(ctx)
    assert [c.path for c in changes] == [YML]
    assert [(m.path, m.reason) for m in manual] == [
        (PROPS, "line 3: spring.datasource.password [profile=dev]: the value cannot be located exactly")
    ]
