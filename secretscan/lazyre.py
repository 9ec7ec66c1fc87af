"""Regular expressions compiled on first use.

Compiling a few dozen module-level patterns costs milliseconds at every start, and a
pre-commit hook judging one clean file uses almost none of them. ``lazy`` returns an object
with the methods and attributes of the compiled pattern; the pattern is compiled the first
time one of them is asked for, and from then on they are plain attributes of the object
(bound methods of the compiled pattern), so later calls cost what ``re.compile``'s would.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

_ATTRIBUTES = (
    "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
    "pattern", "flags", "groups", "groupindex",
)  # fmt: skip


class _Pattern:
    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


class CompiledPattern(_Pattern):
    """A LazyPattern once compiled: no ``__getattr__`` hook left on the lookup path."""


class LazyPattern(_Pattern):
    """Stands for ``re.compile(pattern, flags)`` until first used."""

    def __getattr__(self, name: str) -> Any:  # only reached before the first compile
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        pattern, flags = self._source
        compiled = re.compile(cast(Any, pattern), flags)  # str or bytes, as given
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        self.__class__ = CompiledPattern  # type: ignore[assignment]
        return getattr(compiled, name)


def lazy(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, compiled when first used (typed as the pattern it
    stands for: it offers the same methods and attributes)."""
    return cast("re.Pattern[AnyStr]", LazyPattern(pattern, int(flags)))
