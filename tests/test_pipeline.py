"""The pipeline: each distinct (blob, parser kind) analysed once, every location kept, and a
parallel run giving exactly the result of a single-worker run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from git_fixtures import PAT_RULE, T1, T2, init, scripted_history, token

import secretscan.pipeline as pipeline
from secretscan.cli.common import cache_dir
from secretscan.config import Settings
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.ids import blob_id
from secretscan.model import Blob, CommitInfo, Provenance, Skipped, SourceKind
from secretscan.pipeline import Workers, scan
from secretscan.ruleset.loader import load_rules
from secretscan.sources.git_common import Ahead, Note, Occurrences, Plan, Prepare, Seen
from secretscan.sources.git_history import HistorySource, HistorySpec

_RULES: list = []


def detector() -> Detector:
    if not _RULES:
        _RULES.extend(load_rules(cache_dir=cache_dir()))
    return Detector(Engine(_RULES, cache_dir()), Settings())


class ListSource:
    def __init__(self, *items: object) -> None:
        self._items = items

    def items(self) -> Iterator[object]:
        yield from self._items


def content(text: str) -> Blob:
    data = text.encode()
    return Blob(blob_id(data), data)


class Recorder:
    def __init__(self) -> None:
        self.planned: list[tuple[int, int]] = []
        self.blobs = self.nbytes = 0

    def plan(self, blobs: int, nbytes: int) -> None:
        self.planned.append((blobs, nbytes))

    def advance(self, blobs: int, nbytes: int) -> None:
        self.blobs += blobs
        self.nbytes += nbytes


def test_same_content_is_analysed_once_per_parser_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    real = pipeline.analyze
    monkeypatch.setattr(pipeline, "analysis_key", lambda path: "env" if path.endswith(".env") else "")

    def spy(det, blob, provenance):  # type: ignore[no-untyped-def]
        calls.append((blob.id, provenance.path))
        return real(det, blob, provenance)

    monkeypatch.setattr(pipeline, "analyze", spy)
    blob = content(f"TOKEN={T1}\n")
    source = ListSource(
        (blob, Provenance(SourceKind.FILE, "a.txt")),
        (blob, Provenance(SourceKind.FILE, "b.txt")),
        Occurrences(blob, (Provenance(SourceKind.FILE, "c.env"), Provenance(SourceKind.FILE, "d.env"))),
    )
    result = scan([source], detector())
    assert calls == [(blob.id, "a.txt"), (blob.id, "c.env")]
    assert [(f.rule_id, [loc.provenance.path for loc in f.locations]) for f in result.findings] == [
        (PAT_RULE, ["a.txt", "b.txt", "c.env", "d.env"])
    ]
    assert (result.stats.blobs_scanned, result.stats.blobs_deduplicated) == (2, 2)


def test_skips_notes_and_plans_reach_the_result_and_the_sink() -> None:
    sink = Recorder()
    blob = content("nothing here\n")
    source = ListSource(Note("hello"), Plan(1, len(blob.data)), Skipped("x.bin", "binary file"),
                        (blob, Provenance(SourceKind.FILE, "n.txt")))
    result = scan([source], detector(), sink)
    assert result.notes == ("hello",)
    assert result.skipped == (Skipped("x.bin", "binary file"),)
    assert sink.planned == [(1, len(blob.data))]
    assert (sink.blobs, sink.nbytes) == (1, len(blob.data))


def test_locations_are_ordered_oldest_commit_first(tmp_path: Path) -> None:
    repo = scripted_history(tmp_path / "repo")
    result = scan([HistorySource(repo.path, Settings())], detector())
    t1 = next(f for f in result.findings if f.preview.endswith(T1[-4:]))
    assert [loc.provenance.commit.summary for loc in t1.locations] == [  # type: ignore[union-attr]
        "add config", "move config", "comment settings"
    ]


@pytest.fixture
def many_blobs(tmp_path: Path) -> Path:
    """A history with a few hundred blobs, secrets scattered through them."""
    repo = init(tmp_path / "many")
    for round_ in range(6):
        for i in range(40):
            body = f"# file {i} round {round_}\n" + "value = plain text line\n" * (20 + i)
            if (i * 7 + round_) % 11 == 0:
                body += f"key = {token(f'many-{i}-{round_ % 2}')}\n"
            repo.write(f"dir{i % 5}/file{i}.txt", body)
        repo.commit(f"round {round_}")
    repo.git("checkout", "-q", "-b", "side", "HEAD~3")
    repo.write("side.txt", f"{T2}\n")
    repo.commit("side")
    return repo.path


def test_parallel_run_equals_single_worker_run(many_blobs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = scan([HistorySource(many_blobs, Settings())], detector(), workers=Workers(jobs=1))
    monkeypatch.setattr(pipeline, "PARALLEL_AFTER_BYTES", 0)
    monkeypatch.setattr(pipeline, "BATCH_BLOBS", 7)
    started: list[int] = []
    real_start = pipeline._Runner._start

    def spy_start(self):  # type: ignore[no-untyped-def]
        started.append(self.jobs)
        return real_start(self)

    monkeypatch.setattr(pipeline._Runner, "_start", spy_start)
    sink = Recorder()
    parallel = scan([HistorySource(many_blobs, Settings())], detector(), sink,
                    workers=Workers(jobs=2, cache_dir=cache_dir()))
    assert started == [2]  # the worker pool really ran
    assert parallel.findings == serial.findings
    assert parallel.skipped == serial.skipped
    assert parallel.notes == serial.notes
    assert (parallel.stats.blobs_scanned, parallel.stats.bytes_scanned) == (
        serial.stats.blobs_scanned, serial.stats.bytes_scanned
    )
    assert (sink.blobs, sink.nbytes) == (serial.stats.blobs_scanned, serial.stats.bytes_scanned)
    assert len(serial.findings) >= 10


def test_workers_default_to_one_per_core() -> None:
    assert Workers(jobs=0).count == pipeline.usable_cores() >= 1
    assert Workers(jobs=3).count == 3


def test_a_blob_whose_analysis_fails_is_reported_and_the_scan_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.analyze

    def flaky(det, blob, provenance):  # type: ignore[no-untyped-def]
        if provenance.path == "bad.txt":
            raise ValueError("parser bug")
        return real(det, blob, provenance)

    monkeypatch.setattr(pipeline, "analyze", flaky)
    bad, good = content(f"a = {T1}\n"), content(f"b = {T2}\n")
    result = scan([ListSource((bad, Provenance(SourceKind.FILE, "bad.txt")),
                              (good, Provenance(SourceKind.FILE, "good.txt")))], detector())
    assert result.skipped == (
        Skipped("bad.txt", "internal error while scanning (ValueError: parser bug); please report it", bad.id),
    )
    assert [(f.rule_id, f.first.provenance.path) for f in result.findings] == [(PAT_RULE, "good.txt")]


def test_a_whole_history_starts_the_workers_before_any_content(
    many_blobs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = list(HistorySource(many_blobs, Settings()).items())
    assert isinstance(items[0], Prepare)
    assert not any(isinstance(i, Prepare) for i in HistorySource(many_blobs, Settings(), HistorySpec(since="HEAD~2")).items())
    events: list[str] = []
    real_start = pipeline._Runner._start

    def spy_start(self):  # type: ignore[no-untyped-def]
        events.append("pool")
        return real_start(self)

    monkeypatch.setattr(pipeline._Runner, "_start", spy_start)
    blob = content("nothing here\n")

    class Spy(ListSource):
        def items(self) -> Iterator:  # type: ignore[type-arg]
            for item in super().items():
                events.append(type(item).__name__)
                yield item

    small = Spy(Prepare(), (blob, Provenance(SourceKind.FILE, "n.txt")))
    scan([small], detector(), workers=Workers(jobs=2, cache_dir=cache_dir()))
    assert events == ["Prepare", "pool", "tuple"]  # started on the hint, though the content is tiny
    events.clear()
    scan([Spy(Prepare(), (blob, Provenance(SourceKind.FILE, "n.txt")))], detector(), workers=Workers(jobs=1))
    assert events == ["Prepare", "tuple"]  # one job: no pool


def _at(path: str, day: int) -> Provenance:
    commit = CommitInfo(f"{day:040x}", "A", "a@example.test", f"2024-01-{day:02d}T12:00:00+00:00", f"day {day}")
    return Provenance(SourceKind.GIT, path, commit, in_tip=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_content_sent_ahead_is_reported_where_its_places_come(jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Ahead`` then ``Seen`` report what ``Occurrences`` at the ``Seen``'s point would: the same
    findings, skips, notes in the same order and counts, with one job or two, though with two the
    places come before the analysis is back (every blob is a batch of its own)."""
    monkeypatch.setattr(pipeline, "PARALLEL_AFTER_BYTES", 0)
    monkeypatch.setattr(pipeline, "BATCH_BLOBS", 1)
    key, broken, other = content(f"key = {T1}\n"), content("a: [\n  b: {\n"), content(f"b = {T2}\n")
    key_places = (_at("k.txt", 2), _at("k.txt", 5))
    broken_places = (_at("conf/x.yaml", 3),)
    plain = ListSource(Note("start"), Occurrences(other, (_at("o.txt", 1),)), Occurrences(key, key_places),
                       Occurrences(broken, broken_places), Note("end"))
    ahead = ListSource(Ahead(key, Provenance(SourceKind.GIT, "k.txt")), Ahead(broken, Provenance(SourceKind.GIT, "conf/x.yaml")),
                       Note("start"), Occurrences(other, (_at("o.txt", 1),)), Seen(key.id, key_places),
                       Seen(broken.id, broken_places), Note("end"))
    workers = Workers(jobs=jobs, cache_dir=cache_dir())
    expected, got = scan([plain], detector(), workers=workers), scan([ahead], detector(), workers=workers)
    assert got.findings == expected.findings
    assert got.skipped == expected.skipped
    assert got.notes == expected.notes
    assert (got.stats.blobs_scanned, got.stats.bytes_scanned, got.stats.blobs_deduplicated) == (
        expected.stats.blobs_scanned, expected.stats.bytes_scanned, expected.stats.blobs_deduplicated)
    assert [n.split(":")[0] for n in got.notes] == ["start", "conf/x.yaml", "end"]
    places = sorted([(loc.provenance.path, loc.provenance.commit.summary) for loc in f.locations]  # type: ignore[union-attr]
                    for f in got.findings)
    assert places == [[("k.txt", "day 2"), ("k.txt", "day 5")], [("o.txt", "day 1")]]
