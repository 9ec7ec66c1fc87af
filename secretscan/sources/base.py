"""The one interface every walker implements, and shared helpers for reading content."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Protocol, Union

from secretscan.model import Blob, Provenance, Skipped

SourceItem = Union[tuple[Blob, Provenance], Skipped]

BINARY_SNIFF = 8000  # git's own heuristic: a NUL byte in the first 8000 bytes means binary


class Source(Protocol):
    """A walker: yields blobs with their provenance, or what it had to skip and why."""

    def items(self) -> Iterator[SourceItem]: ...


def as_text(data: bytes) -> bytes | None:
    """Content to scan as text, or None if it is binary.

    UTF-16/32 files (with a byte-order mark) are transcoded to UTF-8 so their secrets are
    found; other content is scanned as bytes, so invalid UTF-8 costs nothing.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:BINARY_SNIFF]:
        return None
    return data
