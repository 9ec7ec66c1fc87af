"""Detection over one blob, with the structure-aware parsers (Kubernetes, Dockerfile, Spring,
.env, source code) layered on the plain-text scan.

``analyze`` is the single entry point the pipeline calls per distinct blob; ``analysis_key``
says which parser a path selects, so that the pipeline scans a blob once per parser kind
(the same bytes at a `.env` path and a `.txt` path are read differently).
"""

from __future__ import annotations

from secretscan.detect.scanner import Detector
from secretscan.model import Blob, Match, Provenance


def analysis_key(path: str) -> str:
    """Which parser (if any) reads this path; '' for plain text."""
    return ""


def analyze(detector: Detector, blob: Blob, provenance: Provenance) -> list[Match]:
    return detector.scan(blob.data, blob.id, provenance)
