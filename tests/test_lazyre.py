from __future__ import annotations

import importlib
import re

import pytest

from secretscan.lazyre import CompiledPattern, LazyPattern, lazy

# The modules whose import-time patterns are compiled on first use.
LAZY_MODULES = (
    "secretscan.detect.allow",
    "secretscan.detect.decode",
    "secretscan.detect.filters",
    "secretscan.sources.cmdline",
    "secretscan.sources.names",
)


def test_compiles_on_first_use_and_matches_as_re_does() -> None:
    pattern = lazy(r"(?P<key>[a-z]+)\s*=\s*(\d+)", re.IGNORECASE)
    reference = re.compile(r"(?P<key>[a-z]+)\s*=\s*(\d+)", re.IGNORECASE)
    assert type(pattern) is LazyPattern
    text = "Port = 80; retries=3 x=y"
    assert [m.groups() for m in pattern.finditer(text)] == [("Port", "80"), ("retries", "3")]
    assert type(pattern) is CompiledPattern
    assert pattern.findall(text) == reference.findall(text)
    assert pattern.sub(r"\g<key>:\2", text) == "Port:80; retries:3 x=y"
    assert pattern.split(text) == reference.split(text)
    assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == (
        reference.pattern,
        reference.flags,
        reference.groups,
        reference.groupindex,
    )


def test_bytes_patterns_and_every_method_is_ready_after_the_first() -> None:
    pattern = lazy(rb"secret:allow", re.IGNORECASE)
    assert pattern.search(b"x  # SECRET:ALLOW") is not None
    assert pattern.fullmatch(b"secret:allow") is not None and pattern.match(b"no") is None
    assert pattern.subn(b"-", b"secret:allow secret:allow") == (b"- -", 2)


def test_other_attributes_are_errors_and_compile_nothing() -> None:
    pattern = lazy(r"(unbalanced")
    with pytest.raises(AttributeError):
        pattern.no_such_thing  # noqa: B018
    assert type(pattern) is LazyPattern  # an invalid pattern fails on first use, not before
    with pytest.raises(re.error):
        pattern.search("x")


@pytest.mark.parametrize("name", LAZY_MODULES)
def test_every_lazy_pattern_of_the_package_compiles(name: str) -> None:
    module = importlib.import_module(name)
    found = []
    for value in vars(module).values():
        items = value.values() if isinstance(value, dict) else (value,)
        found += [v for v in items if isinstance(v, (LazyPattern, CompiledPattern))]
    assert found
    for pattern in found:
        assert isinstance(pattern.groups, int)  # compiles it (re.error if the pattern is invalid)
        assert type(pattern) is CompiledPattern
