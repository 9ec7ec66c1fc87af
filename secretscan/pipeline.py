"""The core: sources -> dedup by blob -> detect -> findings. Never prints.

Every distinct (blob id, analysis_key(path)) is analysed once, by
``secretscan.detect.structured.analyze``; every other place the same content was seen gets
the same matches, relocated. With more than one job and enough content, the analyses run in
worker processes (each builds its own Detector from the same rules and settings, loading the
compiled pattern database from the cache) while the sources keep reading; a blob travels with
all the places it was seen, so the parser kinds are worked out in the workers too. Results are
taken in submission order and locations are ordered by a fixed key, so a parallel run gives
exactly the result of a single-worker run. An analysis that raises is reported as a skipped
blob; the scan goes on. (Programs that call ``scan`` with jobs > 1 need the usual
``if __name__ == "__main__":`` guard of multiprocessing.)
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
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
from secretscan.sources.git_common import Ahead, Note, Occurrences, Plan, Prepare, Seen, WalkerItem

if TYPE_CHECKING:  # the pool is imported only when a scan is big enough to use it
    from concurrent.futures import Future, ProcessPoolExecutor


@dataclass(frozen=True, slots=True)
class Failed:
    """An analysis that raised: the blob is reported as skipped, the scan goes on."""

    error: str


Outcome = Union[list[Match], Failed]
Key = tuple[BlobId, str]
Task = tuple[Blob, tuple[Provenance, ...]]  # content and the places it was seen
TaskResult = tuple[tuple[str, ...], dict[str, Outcome]]  # each place's parser kind; outcome per kind

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


_ARRIVAL = itemgetter(0)  # (item number, what it led to) pairs, in the order the items came
AHEAD = -1  # the tag of an analysis of content sent ahead of its places (git_common.Ahead)


class _State:
    """What the scan has gathered so far, and the analyses waiting for their results.

    A blob goes to analysis with every place it was seen; the analysis (in a worker when there
    are workers) reads it once per parser kind of those places. Places that turn up after that
    reuse the results, or go to analysis again for a parser kind not yet applied. Every item is
    numbered as it arrives, and what it leads to (matches, notes, skips) is reported in that
    order, however late its analysis comes back: a parallel run reports what a single-worker
    run does, in the same order.
    """

    def __init__(self, sink: Progress) -> None:
        self.sink = sink
        self._matches: list[tuple[int, Match]] = []
        self._skipped: list[tuple[int, Skipped]] = []
        self._notes: list[tuple[int, str]] = []
        self.done: dict[Key, list[Match]] = {}  # finished analyses
        self.analysed: set[BlobId] = set()  # blobs with finished analyses (their keys are in done)
        self.pending: dict[BlobId, list[tuple[tuple[Provenance, ...], int]]] = {}  # in analysis -> places since
        self.later: list[tuple[Blob, tuple[Provenance, ...], int]] = []
        self.ahead: set[BlobId] = set()  # sent ahead, analysis not back yet
        self.early: dict[BlobId, tuple[int, TaskResult]] = {}  # sent ahead, analysed: (size, result)
        self.waiting: dict[BlobId, tuple[tuple[Provenance, ...], int]] = {}  # seen before its early result
        self.batch: list[Task] = []
        self.tags: list[int] = []  # per task in batch: the number of the item it came from, or AHEAD
        self.batch_bytes = 0
        self.seq = 0
        self.scanned = self.nbytes = self.reused = 0

    @property
    def matches(self) -> list[Match]:
        return [m for _, m in sorted(self._matches, key=_ARRIVAL)]

    @property
    def skipped(self) -> list[Skipped]:
        return [s for _, s in sorted(self._skipped, key=_ARRIVAL)]

    @property
    def notes(self) -> list[str]:
        return [n for _, n in sorted(self._notes, key=_ARRIVAL)]

    def take(self, item: WalkerItem, runner: _Runner) -> None:
        self.seq += 1
        if isinstance(item, Skipped):
            self._skipped.append((self.seq, item))
        elif isinstance(item, Note):
            self._notes.append((self.seq, item.text))
        elif isinstance(item, Plan):
            self.sink.plan(item.blobs, item.nbytes)
        elif isinstance(item, Prepare):
            runner.prepare()
        elif isinstance(item, Ahead):
            self.ahead.add(item.blob.id)
            self._queue((item.blob, (item.provenance,)), AHEAD, runner)
        elif isinstance(item, Seen):
            self._seen(item.blob_id, item.provenances, self.seq)
        elif isinstance(item, Occurrences):
            self._content(item.blob, item.provenances, runner)
        else:
            self._content(item[0], (item[1],), runner)

    def _content(self, blob: Blob, provenances: Sequence[Provenance], runner: _Runner) -> None:
        self._catch_up(runner)
        self._place(blob, tuple(provenances), self.seq, runner)

    def _catch_up(self, runner: _Runner) -> None:
        """Places that turned up while their blob was in analysis, now that it is done."""
        while self.later:
            self._place(*self.later.pop(0), runner)

    def _place(self, blob: Blob, provenances: tuple[Provenance, ...], seq: int, runner: _Runner) -> None:
        if blob.id in self.pending:
            self.pending[blob.id].append((provenances, seq))
        elif blob.id in self.analysed:
            self._again(blob, provenances, seq, runner)
        else:
            self._queue((blob, provenances), seq, runner)

    def _again(self, blob: Blob, provenances: Sequence[Provenance], seq: int, runner: _Runner) -> None:
        """Content analysed before: reuse its results, analyse it for parser kinds not yet applied."""
        fresh = []
        for provenance in provenances:
            found = self.done.get((blob.id, analysis_key(provenance.path)))  # cached per path
            if found is None:
                fresh.append(provenance)
            else:
                self.reused += 1
                self._matches.extend((seq, relocate(m, provenance)) for m in found)
        if fresh:
            self._queue((blob, tuple(fresh)), seq, runner)

    def _seen(self, blob_id: BlobId, provenances: tuple[Provenance, ...], seq: int) -> None:
        if blob_id in self.early:
            self._claim(blob_id, provenances, seq)
        elif blob_id in self.ahead:
            self.waiting[blob_id] = (provenances, seq)
        else:
            raise RuntimeError(f"the places of blob {blob_id} came before its content")  # a walker's bug

    def _claim(self, blob_id: BlobId, provenances: tuple[Provenance, ...], seq: int) -> None:
        size, result = self.early.pop(blob_id)
        self._report(blob_id, size, provenances, result, seq, early=True)
        self.analysed.add(blob_id)

    def _queue(self, task: Task, tag: int, runner: _Runner) -> None:
        if tag != AHEAD:
            self.pending[task[0].id] = []
        self.batch.append(task)
        self.tags.append(tag)
        self.batch_bytes += len(task[0].data)
        if runner.local or self.batch_bytes >= BATCH_BYTES or len(self.batch) >= BATCH_BLOBS:
            self._submit(runner)

    def _submit(self, runner: _Runner) -> None:
        batch, tags = self.batch, self.tags
        self.batch, self.tags, self.batch_bytes = [], [], 0
        for tasks, done_tags, results in runner.submit(batch, tags):
            self._record(tasks, done_tags, results)

    def _record(self, tasks: list[Task], tags: list[int], results: list[TaskResult]) -> None:
        for (blob, provenances), tag, result in zip(tasks, tags, results):
            if tag == AHEAD:
                self.ahead.discard(blob.id)
                self.early[blob.id] = (len(blob.data), result)
                if blob.id in self.waiting:
                    self._claim(blob.id, *self.waiting.pop(blob.id))
                continue
            self._report(blob.id, len(blob.data), provenances, result, tag)
            self.analysed.add(blob.id)
            for seen_since, seq in self.pending.pop(blob.id, []):
                self.later.append((blob, seen_since, seq))

    def _report(
        self,
        blob_id: BlobId,
        size: int,
        provenances: Sequence[Provenance],
        result: TaskResult,
        seq: int,
        *,
        early: bool = False,
    ) -> None:
        """An analysis's outcome at the places given (``early``: it was made under a provisional
        place, so its matches move to the first place too)."""
        keys, outcomes = result
        if early:
            keys = tuple(analysis_key(p.path) for p in provenances)
            if any(key not in outcomes for key in keys):
                raise RuntimeError(f"blob {blob_id} was seen under a path it was not analysed for")  # a walker's bug
        analyses = nbytes = 0
        first: set[str] = set()
        for provenance, kind in zip(provenances, keys):
            if kind not in first:
                first.add(kind)
                analyses += 1
                nbytes += size
                found = self._accept(outcomes[kind], blob_id, provenance, seq)
                self.done[(blob_id, kind)] = [relocate(m, provenance) for m in found] if early and found else found
                self._matches.extend((seq, m) for m in self.done[(blob_id, kind)])
            else:
                self.reused += 1
                self._matches.extend((seq, relocate(m, provenance)) for m in self.done[(blob_id, kind)])
        self.scanned += analyses
        self.nbytes += nbytes
        self.sink.advance(analyses, nbytes)

    def _accept(self, found: Outcome, blob_id: BlobId, provenance: Provenance, seq: int) -> list[Match]:
        if isinstance(found, Failed):
            reason = f"internal error while scanning ({found.error}); please report it"
            self._skipped.append((seq, Skipped(provenance.path, reason, blob_id)))
            return _NOTHING
        self._notes.extend((seq, note) for note in getattr(found, "notes", ()))  # a parser could not read it
        return found or _NOTHING

    def finish(self, runner: _Runner) -> None:
        while self.batch or self.later or runner.in_flight:
            if self.batch:
                self._submit(runner)
            for tasks, tags, results in runner.drain():
                self._record(tasks, tags, results)
            self._catch_up(runner)
        if self.waiting:
            raise RuntimeError(f"{len(self.waiting)} blob(s) seen but never analysed")  # a walker's bug


_NOTHING: list[Match] = []  # shared by every analysis that found nothing (most of them)


class _Runner:
    """Runs batches of analyses here, or in worker processes once there is enough content."""

    def __init__(self, detector: Detector, workers: Workers) -> None:
        self.detector = detector
        self.workers = workers
        self.jobs = workers.count
        self.seen_bytes = 0
        self.pool: ProcessPoolExecutor | None = None
        self.in_flight: deque[tuple[list[Task], list[int], Future[list[TaskResult]]]] = deque()

    @property
    def local(self) -> bool:
        """True while analyses run in this process (each item is then done at once)."""
        return self.pool is None and (self.jobs <= 1 or self.seen_bytes < PARALLEL_AFTER_BYTES)

    def submit(self, batch: list[Task], tags: list[int]) -> Iterator[tuple[list[Task], list[int], list[TaskResult]]]:
        """Queue a batch (``tags`` travel with it, unread); yield the batches that have finished,
        in submission order."""
        self.seen_bytes += sum(len(blob.data) for blob, _ in batch)
        if self.local:
            yield batch, tags, run_batch(self.detector, batch)
            return
        pool = self.pool or self._start()
        self.in_flight.append((batch, tags, pool.submit(_worker_run, batch)))
        while len(self.in_flight) > 2 * self.jobs:
            tasks, done_tags, future = self.in_flight.popleft()
            yield tasks, done_tags, future.result()

    def prepare(self) -> None:
        """Start the workers now (each loads the rules and the pattern database as it starts)."""
        if self.jobs > 1 and self.pool is None:
            pool = self._start()
            for _ in range(self.jobs):
                pool.submit(_ready)

    def drain(self) -> Iterator[tuple[list[Task], list[int], list[TaskResult]]]:
        while self.in_flight:
            tasks, tags, future = self.in_flight.popleft()
            yield tasks, tags, future.result()

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


def run_batch(detector: Detector, batch: list[Task]) -> list[TaskResult]:
    return [analyze_places(detector, blob, provenances) for blob, provenances in batch]


def analyze_places(detector: Detector, blob: Blob, provenances: Sequence[Provenance]) -> TaskResult:
    """Analyse ``blob`` once per parser kind of the places it was seen (the seam:
    ``detect.structured.analyze`` for each distinct (blob, analysis_key(path)))."""
    keys = tuple(analysis_key(p.path) for p in provenances)
    outcomes: dict[str, Outcome] = {}
    for provenance, kind in zip(provenances, keys):
        if kind not in outcomes:
            outcomes[kind] = _analyze_one(detector, blob, provenance)
    return keys, outcomes


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
    from secretscan.gc_tuning import tune_gc

    tune_gc()  # after the detector is built: the rules and patterns stay out of every collection


def _ready() -> None:
    """A task that makes the pool start a worker process (its initializer does the work)."""


def _worker_run(batch: list[Task]) -> list[TaskResult]:
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
