"""Text decoded from a blob, with exact character -> byte offset mapping.

Parsers work on ``str`` (regexes, YAML events count characters) but Values carry byte spans.
Invalid UTF-8 is decoded with ``surrogateescape`` so that every byte keeps a character of
its own and offsets stay exact; ``clean`` gives the same text with those replaced by U+FFFD
for consumers (PyYAML) that reject lone surrogates.
"""

from __future__ import annotations

import bisect
import re

_SURROGATES = re.compile("[\udc80-\udcff]")


class Text:
    """A decoded blob: ``text`` and ``byte(char_index)``."""

    __slots__ = ("text", "_ascii", "_chars", "_bytes")

    def __init__(self, data: bytes) -> None:
        self.text = data.decode("utf-8", "surrogateescape")
        self._ascii = data.isascii()  # then characters are bytes; else lines are indexed on first use
        self._chars: list[int] | None = None
        self._bytes: list[int] | None = None

    def _index_lines(self) -> None:
        chars = [0]
        nbytes = [0]
        position = 0
        for line in self.text.splitlines(keepends=True):
            position += len(line.encode("utf-8", "surrogateescape"))
            chars.append(chars[-1] + len(line))
            nbytes.append(position)
        self._chars, self._bytes = chars, nbytes

    def byte(self, index: int) -> int:
        """Byte offset of character ``index`` (clamped to the text)."""
        index = max(0, min(index, len(self.text)))
        if self._ascii:
            return index
        if self._chars is None or self._bytes is None:
            self._index_lines()
            assert self._chars is not None and self._bytes is not None
        row = bisect.bisect_right(self._chars, index) - 1
        prefix = self.text[self._chars[row] : index]
        return self._bytes[row] + len(prefix.encode("utf-8", "surrogateescape"))

    def clean(self) -> str:
        """The text with undecodable bytes as U+FFFD (one character each: offsets unchanged)."""
        return self.text if self._ascii else _SURROGATES.sub("\ufffd", self.text)

    def line_of(self, index: int) -> int:
        """1-based line number of character ``index``."""
        return self.text.count("\n", 0, max(0, index)) + 1
