"""Records sent to and from worker processes pickle as their constructor and field values."""

from __future__ import annotations

import pickle

from secretscan.model import Blob, BlobId, CommitInfo, Location, Match, Provenance, SourceKind, Span, Storage


def test_records_round_trip_through_pickle_field_by_field() -> None:
    commit = CommitInfo("a" * 40, "Ann", "ann@example.test", "2026-01-02T03:04:05+00:00", "add config")
    gone = CommitInfo("b" * 40, "Bob", "bob@example.test", "2026-02-03T04:05:06+00:00", "drop config")
    place = Provenance(SourceKind.GIT, "conf/app.yaml", commit, False, gone)
    match = Match(
        rule_id="t.rule", fingerprint="f" * 16, secret_hash="h" * 64, preview="ab***yz",  # type: ignore[arg-type]
        location=Location(BlobId("c" * 40), place, Span(3, 9, 2, 4, 2), Storage.CONFIG_FILE, "db.password",
                          ("base64",), "a note", True, "db.password"),
        entropy=3.5, length=6, attributes=(("k", "v"),), keyed_hash="k" * 8, sha1="s" * 40,
    )
    blob = Blob(BlobId("c" * 40), b"\xff\x00 bytes")
    for record in (commit, place, match, blob, Provenance(SourceKind.FILE, "x.txt")):
        again = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == record and type(again) is type(record)
    pair = pickle.loads(pickle.dumps([place, place]))
    assert pair[0] is pair[1]  # shared objects stay shared (one commit object per batch)
    assert type(Blob.__reduce__(blob)[1]) is tuple and Blob.__reduce__(blob) == (Blob, (blob.id, blob.data))
