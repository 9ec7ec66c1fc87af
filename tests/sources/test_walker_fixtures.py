"""Every walker fixture folder, the same checks: the annotated findings exactly, the spans
holding the secret as written, and each annotated place kept with every rule loaded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from structured_expect import FIXTURES, actual, analyze_file, detector, expectations, fixture_files, full_detector, places

from secretscan.config import Settings

FOLDERS = ("k8s", "helm", "kustomize", "config", "docker", "spring")
CASES = [(folder, rel) for folder in FOLDERS for rel in fixture_files(folder)]


def _properties_unescaped(written: str) -> str:
    """A .properties value as read: line continuations joined, `\\:` unescaped."""
    return written.replace("\\\n    ", "").replace("\\:", ":")


# How a value is written in each folder's files, as the parser reads it (spring: defaults and
# profiles are checked in test_spring).
AS_READ: dict[str, Callable[[str], str]] = {
    "k8s": str.strip,
    "helm": str.strip,
    "kustomize": str.strip,
    "config": _properties_unescaped,
    "docker": lambda written: written,
}


@pytest.fixture(scope="module")
def github_only():  # type: ignore[no-untyped-def]
    return detector(settings=Settings(show_secrets=True))


@pytest.mark.parametrize(("folder", "rel"), CASES)
def test_fixture_findings_are_exactly_the_annotated_ones(folder: str, rel: str, github_only) -> None:  # type: ignore[no-untyped-def]
    expected = expectations(folder)
    assert rel in expected, f"{folder}/{rel} is not annotated in expected.yaml"
    assert actual(analyze_file(github_only, folder, rel)) == expected[rel]


@pytest.mark.parametrize(("folder", "rel"), [(f, r) for f, r in CASES if f in AS_READ])
def test_reported_spans_hold_the_secret_itself(folder: str, rel: str, github_only) -> None:  # type: ignore[no-untyped-def]
    data = (FIXTURES / folder / rel).read_bytes()
    for m in analyze_file(github_only, folder, rel):
        if not m.location.decoding and m.revealed is not None:
            written = data[m.location.span.start : m.location.span.end].decode()
            assert AS_READ[folder](written) == m.revealed, (rel, m.rule_id, m.location.locator)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_annotated_place_is_reported_with_every_rule(folder: str) -> None:
    """With all rules, a generic rule may take a value over from a structural one; the place,
    locator and storage must not change."""
    for rel, rows in expectations(folder).items():
        assert places(rows) <= places(actual(analyze_file(full_detector(), folder, rel))), rel
