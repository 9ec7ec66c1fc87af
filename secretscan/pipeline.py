"""The core: sources -> dedup by blob -> detect -> findings. Never prints.

Every distinct (blob id, analysis_key(path)) is analysed once, by
``secretscan.detect.structured.analyze``; every other place the same content was seen gets
the same matches, relocated. With more than one job and enough content, the analyses run in
worker processes (each builds its own Detector from the same rules and settings, loading the
compiled pattern database from the cache) while the sources keep reading: results are taken
in submission order and locations are ordered by a fixed key, so a parallel run gives exactly
the result of a single-worker run.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union

from secretscan.config import Settings
from secretscan.detect.scanner import Detector
from secretscan.detect.structured import analysis_key, analyze
from secretscan.model import (
    Blob,
    BlobId,
    Finding,
    Location,
    Match,
    Provenance,
    Rule,
    ScanResult,
    ScanStats,
    Skipped,
    Status,
)
from secretscan.sources.git_common import Note, Occurrences, Plan, WalkerItem

if TYPE_CHECKING:  # the pool is imported only when a scan is big enough to use it
    from concurrent.futures import Future, ProcessPoolExecutor

@dataclass(frozen=True, slots=True)
class Failed:
    """An analysis that raised: the blob is reported as skipped, the scan goes on."""

    error: str


Outcome = Union[list[Match], Failed]
Key = tuple[BlobId, str]
Task = tuple[Blob, Provenance]  # one analysis: content, read as its representative path says

PARALLEL_AFTER_BYTES = 4 << 20  # below this much content, worker start-up costs more than it saves
BATCH_BYTES = 1 << 20
BATCH_BLOBS = 256


class Walker(Protocol):
    """A source: every walker of sources/ (their items are a subset of WalkerItem)."""

    def items(self) -> Iterator[WalkerItem]: ...


class Progress(Protocol):
    """Where the core reports progress; the CLI draws it, tests ignore it."""

    def plan(self, blobs: int, nbytes: int) -> None: ...

    def advance(self, blobs: int, nbytes: int) -> None: ...


class NoProgress:
    def plan(self, blobs: int, nbytes: int) -> None:
        return None

    def advance(self, blobs: int, nbytes: int) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Workers:
    """Parallel detection: how many processes (0: one per core), and the pattern-database cache
    they load from (None: each compiles its own)."""

    jobs: int = 1
    cache_dir: Path | None = None

    @property
    def count(self) -> int:
        return self.jobs if self.jobs > 0 else usable_cores()


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def scan(
    sources: Iterable[Walker],
    detector: Detector,
    progress: Progress | None = None,
    workers: Workers | None = None,
) -> ScanResult:
    """Scan every blob the sources yield, each distinct content once."""
    started = time.perf_counter()
    state = _State(progress or NoProgress())
    with _Runner(detector, workers or Workers()) as runner:
        for source in sources:
            for item in source.items():
                state.take(item, runner)
        state.finish(runner)
    stats = ScanStats(state.scanned, state.nbytes, state.reused, time.perf_counter() - started, len(detector.engine.rules))
    findings = group(state.matches, {r.id: r for r in detector.rules})
    return ScanResult(tuple(findings), tuple(state.skipped), stats, detector.rules, tuple(state.notes))


class _State:
    """What the scan has gathered so far, and the analyses waiting for their results."""

    def __init__(self, sink: Progress) -> None:
        self.sink = sink
        self.matches: list[Match] = []
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.done: dict[Key, list[Match]] = {}
        self.waiting: dict[Key, list[Provenance]] = {}  # analysis in flight -> more places to relocate to
        self.batch: list[Task] = []
        self.batch_bytes = 0
        self.kinds: dict[str, str] = {}  # path -> analysis_key(path): paths recur across commits
        self.scanned = self.nbytes = self.reused = 0

    def take(self, item: WalkerItem, runner: _Runner) -> None:
        if isinstance(item, Skipped):
            self.skipped.append(item)
        elif isinstance(item, Note):
            self.notes.append(item.text)
        elif isinstance(item, Plan):
            self.sink.plan(item.blobs, item.nbytes)
        elif isinstance(item, Occurrences):
            self._content(item.blob, item.provenances, runner)
        else:
            self._content(item[0], (item[1],), runner)

    def kind(self, path: str) -> str:
        kind = self.kinds.get(path)
        if kind is None:
            kind = self.kinds[path] = analysis_key(path)
        return kind

    def _content(self, blob: Blob, provenances: Iterable[Provenance], runner: _Runner) -> None:
        for provenance in provenances:
            key = (blob.id, self.kind(provenance.path))
            if key in self.done:
                self.reused += 1
                self.matches.extend(relocate(m, provenance) for m in self.done[key])
            elif key in self.waiting:
                self.reused += 1
                self.waiting[key].append(provenance)
            else:
                self.waiting[key] = []
                self.batch.append((blob, provenance))
                self.batch_bytes += len(blob.data)
        if self.batch and (runner.local or self.batch_bytes >= BATCH_BYTES or len(self.batch) >= BATCH_BLOBS):
            self._flush(runner)

    def _flush(self, runner: _Runner) -> None:
        batch, self.batch, self.batch_bytes = self.batch, [], 0
        for tasks, results in runner.submit(batch):
            self._record(tasks, results)

    def _record(self, tasks: list[Task], results: list[Outcome]) -> None:
        nbytes = 0
        for (blob, provenance), found in zip(tasks, results):
            key = (blob.id, self.kind(provenance.path))
            if isinstance(found, Failed):
                self.skipped.append(Skipped(provenance.path, f"internal error while scanning ({found.error}); "
                                            "please report it", blob.id))
                found = _NOTHING
            self.done[key] = found or _NOTHING
            self.matches.extend(found)
            self.notes.extend(getattr(found, "notes", ()))  # a parser could not read it (detect.structured)
            for other in self.waiting.pop(key, ()):
                self.matches.extend(relocate(m, other) for m in found)
            nbytes += len(blob.data)
        self.scanned += len(tasks)
        self.nbytes += nbytes
        self.sink.advance(len(tasks), nbytes)

    def finish(self, runner: _Runner) -> None:
        if self.batch:
            self._flush(runner)
        for tasks, results in runner.drain():
            self._record(tasks, results)


_NOTHING: list[Match] = []  # shared by every analysis that found nothing (most of them)


class _Runner:
    """Runs batches of analyses here, or in worker processes once there is enough content."""

    def __init__(self, detector: Detector, workers: Workers) -> None:
        self.detector = detector
        self.workers = workers
        self.jobs = workers.count
        self.seen_bytes = 0
        self.pool: ProcessPoolExecutor | None = None
        self.in_flight: deque[tuple[list[Task], Future[list[Outcome]]]] = deque()

    @property
    def local(self) -> bool:
        """True while analyses run in this process (each item is then done at once)."""
        return self.pool is None and (self.jobs <= 1 or self.seen_bytes < PARALLEL_AFTER_BYTES)

    def submit(self, batch: list[Task]) -> Iterator[tuple[list[Task], list[Outcome]]]:
        """Queue a batch; yield the batches that have finished, in submission order."""
        self.seen_bytes += sum(len(blob.data) for blob, _ in batch)
        if self.local:
            yield batch, run_batch(self.detector, batch)
            return
        pool = self.pool or self._start()
        self.in_flight.append((batch, pool.submit(_worker_run, batch)))
        while len(self.in_flight) > 2 * self.jobs:
            tasks, future = self.in_flight.popleft()
            yield tasks, future.result()

    def drain(self) -> Iterator[tuple[list[Task], list[Outcome]]]:
        while self.in_flight:
            tasks, future = self.in_flight.popleft()
            yield tasks, future.result()

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["secretscan.pipeline"])  # workers fork with it imported
        self.pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_worker_init,
            initargs=(self.detector.engine.rules, self.detector.settings, self.workers.cache_dir),
        )
        return self.pool

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=kind is None, cancel_futures=True)


def run_batch(detector: Detector, batch: list[Task]) -> list[Outcome]:
    return [_analyze_one(detector, blob, provenance) for blob, provenance in batch]


def _analyze_one(detector: Detector, blob: Blob, provenance: Provenance) -> Outcome:
    try:
        return analyze(detector, blob, provenance)
    except Exception as exc:  # noqa: BLE001 - a detector bug must not end a long audit: report the blob
        return Failed(f"{type(exc).__name__}: {exc}")


_WORKER_DETECTOR: Detector | None = None


def _worker_init(rules: tuple[Rule, ...], settings: Settings, cache_dir: Path | None) -> None:
    import signal

    from secretscan.detect.engine import Engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    global _WORKER_DETECTOR
    _WORKER_DETECTOR = Detector(Engine(rules, cache_dir), settings)


def _worker_run(batch: list[Task]) -> list[Outcome]:
    assert _WORKER_DETECTOR is not None, "worker used before its initializer ran"
    return run_batch(_WORKER_DETECTOR, batch)


def relocate(match: Match, provenance: Provenance) -> Match:
    """The same content seen again under another path or commit."""
    return replace(match, location=replace(match.location, provenance=provenance))


def location_order(loc: Location) -> tuple[float, str, int, int, str]:
    """Oldest introduction first (git), then path and position: a fixed order for locations."""
    commit = loc.provenance.commit
    when = _timestamp(commit.date) if commit is not None else 0.0
    return (when, loc.provenance.path, loc.span.line, loc.span.column, loc.blob_id)


@lru_cache(maxsize=4096)
def _timestamp(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return 0.0


def group(matches: Iterable[Match], rules: dict[str, Rule]) -> list[Finding]:
    """One finding per secret (rule + value), holding all its locations."""
    by_fp: dict[str, list[Match]] = {}
    for m in matches:
        by_fp.setdefault(m.fingerprint, []).append(m)
    findings = []
    for fp, group_matches in by_fp.items():
        group_matches.sort(key=lambda m: location_order(m.location))
        first = group_matches[0]
        rule = rules[first.rule_id]
        locations = tuple(dict.fromkeys(m.location for m in group_matches))
        status = Status.ALLOWED if all(loc.allowed for loc in locations) else Status.NEW
        findings.append(
            Finding(
                fingerprint=first.fingerprint,
                rule_id=rule.id,
                rule_name=rule.name,
                kind=rule.kind,
                severity=rule.severity,
                confidence=rule.confidence,
                preview=first.preview,
                secret_hash=first.secret_hash,
                locations=locations,
                status=status,
                revealed=first.revealed,
                attributes=first.attributes,
                keyed_hash=first.keyed_hash, sha1=first.sha1,  # baseline digests (inventory.baseline)
            )
        )
    findings.sort(key=lambda f: (f.first.provenance.path, f.first.span.line, f.first.span.column, f.rule_id))
    return findings
