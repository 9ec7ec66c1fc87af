"""The history walker on real repositories built in tmp_path: what is found, where it entered,
whether it is still in the tip, which commit removed it; ranges, refs, and damaged repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from git_fixtures import PAT_RULE, T1, T2, T3, T4, T5, Repo, init, scripted_history

from secretscan.cli.common import cache_dir
from secretscan.config import Settings
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.errors import GitError
from secretscan.model import ScanResult, SourceKind
from secretscan.pipeline import scan
from secretscan.ruleset.loader import load_rules
from secretscan.sources.git_history import HistorySource, HistorySpec

_RULES: list = []


def detector(settings: Settings | None = None) -> Detector:
    if not _RULES:
        _RULES.extend(load_rules(cache_dir=cache_dir()))
    return Detector(Engine(_RULES, cache_dir()), settings or Settings())


def history(path: Path, spec: HistorySpec = HistorySpec(), settings: Settings | None = None) -> ScanResult:
    settings = settings or Settings()
    return scan([HistorySource(path, settings, spec)], detector(settings))


def pat_locations(result: ScanResult) -> set[tuple[str, str, int, str, bool | None, str | None]]:
    """(secret preview, path, line, introducing commit, in tip, removing commit) of every PAT location."""
    out = set()
    for f in result.findings:
        if f.rule_id != PAT_RULE:
            continue
        for loc in f.locations:
            p = loc.provenance
            assert p.kind is SourceKind.GIT and p.commit is not None
            removed = p.removed_in.summary if p.removed_in else None
            out.add((f.preview, p.path, loc.span.line, p.commit.summary, p.in_tip, removed))
    return out


def preview(secret: str) -> str:
    return f"{secret[:4]}…{secret[-4:]}"


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return scripted_history(tmp_path_factory.mktemp("scripted") / "repo")


def test_full_history_finds_every_location_with_its_provenance(scripted: Repo) -> None:
    result = history(scripted.path)
    assert pat_locations(result) == {
        (preview(T1), "config/app.env", 2, "add config", False, "move config"),
        (preview(T1), "settings/app.env", 2, "move config", False, "comment settings"),
        (preview(T1), "settings/app.env", 3, "comment settings", True, None),
        (preview(T2), "tools/deploy.sh", 3, "add deploy", False, "remove token from deploy"),
        (preview(T2), "scripts/ci.sh", 1, "re-add token in ci", True, None),
        (preview(T3), "feature.txt", 1, "feature secret", False, None),  # only on a branch
        (preview(T4), "topic.txt", 1, "topic secret", True, None),  # the branch commit, not the merge
    }


def test_one_finding_per_secret_with_its_oldest_location_first(scripted: Repo) -> None:
    result = history(scripted.path)
    firsts = {f.preview: (f.first.provenance.path, f.first.provenance.commit.summary) for f in result.findings
              if f.rule_id == PAT_RULE}  # type: ignore[union-attr]
    assert firsts == {
        preview(T1): ("config/app.env", "add config"),
        preview(T2): ("tools/deploy.sh", "add deploy"),
        preview(T3): ("feature.txt", "feature secret"),
        preview(T4): ("topic.txt", "topic secret"),
    }


def test_commit_details_are_complete(scripted: Repo) -> None:
    result = history(scripted.path)
    loc = next(f for f in result.findings if f.preview == preview(T2)).first
    commit = loc.provenance.commit
    assert commit is not None
    assert (commit.sha, commit.author, commit.email, commit.date, commit.summary) == (
        scripted.shas["add deploy"], "Test Author", "author@example.test", "2024-01-03T12:00:00+00:00", "add deploy"
    )
    assert loc.blob_id == scripted.blob_id(f"{scripted.shas['add deploy']}:tools/deploy.sh")


def test_branch_limits_the_refs(scripted: Repo) -> None:
    result = history(scripted.path, HistorySpec(refs=("main",)))
    assert {loc[1] for loc in pat_locations(result)} == {"config/app.env", "settings/app.env", "tools/deploy.sh",
                                                         "scripts/ci.sh", "topic.txt"}
    feature = history(scripted.path, HistorySpec(refs=("feature",)))
    # judged against the feature branch's own tip: its secret is present there
    assert (preview(T3), "feature.txt", 1, "feature secret", True, None) in pat_locations(feature)


def test_since_scans_only_what_later_commits_introduced(scripted: Repo) -> None:
    result = history(scripted.path, HistorySpec(since=scripted.shas["remove token from deploy"]))
    assert pat_locations(result) == {
        (preview(T2), "scripts/ci.sh", 1, "re-add token in ci", True, None),
        (preview(T1), "settings/app.env", 3, "comment settings", True, None),
        (preview(T4), "topic.txt", 1, "topic secret", True, None),
    }


def test_range_scans_only_the_commits_in_it(scripted: Repo) -> None:
    result = history(scripted.path, HistorySpec(range=f"{scripted.shas['re-add token in ci']}..feature"))
    assert pat_locations(result) == {(preview(T3), "feature.txt", 1, "feature secret", True, None)}


def test_empty_range_is_a_clean_pass_that_says_so(scripted: Repo) -> None:
    result = history(scripted.path, HistorySpec(range="main..main"))
    assert result.findings == ()
    assert any("no commits" in note for note in result.notes)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (HistorySpec(range="0123456789abcdef0123456789abcdef01234567..HEAD"), "range base"),
        (HistorySpec(range="nosuchbranch..HEAD"), "range base 'nosuchbranch' is not a commit"),
        (HistorySpec(range="HEAD"), "must look like BASE..HEAD"),
        (HistorySpec(since="nosuchref"), "--since 'nosuchref' is not a commit"),
        (HistorySpec(refs=("nosuchbranch",)), "--branch 'nosuchbranch' is not a commit"),
    ],
)
def test_a_missing_base_or_ref_is_an_error_not_an_empty_pass(scripted: Repo, spec: HistorySpec, message: str) -> None:
    with pytest.raises(GitError, match=message):
        history(scripted.path, spec)


def test_merge_resolution_content_is_attributed_to_the_merge(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("app.cfg", "key = none\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("app.cfg", "key = side\n")
    repo.commit("side change")
    repo.git("checkout", "-q", "main")
    repo.write("app.cfg", "key = main\n")
    repo.commit("main change")
    subprocess.run(["git", "merge", "-q", "side"], cwd=repo.path, capture_output=True)  # conflicts
    repo.write("app.cfg", f"key = {T5}\n")
    repo.commit("resolve with a secret")
    assert pat_locations(history(repo.path)) == {(preview(T5), "app.cfg", 1, "resolve with a secret", True, None)}


def test_each_unique_blob_is_read_and_scanned_once(scripted: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import secretscan.pipeline as pipeline

    calls: list[tuple[str, str]] = []
    real = pipeline.analyze

    def spy(det, blob, provenance):  # type: ignore[no-untyped-def]
        calls.append((blob.id, pipeline.analysis_key(provenance.path)))
        return real(det, blob, provenance)

    monkeypatch.setattr(pipeline, "analyze", spy)
    result = history(scripted.path)
    assert len(calls) == len(set(calls))
    moved = scripted.blob_id(f"{scripted.shas['add config']}:config/app.env")
    assert sum(1 for blob_id, _ in calls if blob_id == moved) == 1  # scanned once, reported at both paths
    assert result.stats.blobs_deduplicated >= 1


def test_shallow_clone_is_refused_unless_allowed(scripted: Repo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{scripted.path}", str(shallow)],
                   check=True, capture_output=True)
    with pytest.raises(GitError, match=r"shallow clone.*git fetch --unshallow"):
        history(shallow)
    allowed = history(shallow, HistorySpec(allow_shallow=True))
    assert any("shallow" in note for note in allowed.notes)
    assert (preview(T2), "scripts/ci.sh", 1) in {loc[:3] for loc in pat_locations(allowed)}


def test_range_into_missing_history_of_a_shallow_clone_is_an_error(scripted: Repo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{scripted.path}", str(shallow)],
                   check=True, capture_output=True)
    with pytest.raises(GitError, match=r"range base .* not a commit in this repository"):
        history(shallow, HistorySpec(range=f"{scripted.shas['add config']}..HEAD"))


def test_missing_object_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("lost.txt", f"{T1}\n")
    repo.write("kept.txt", f"{T2}\n")
    repo.commit("two secrets")
    lost = repo.blob_id("HEAD:lost.txt")
    (repo.path / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    result = history(repo.path)
    assert [(s.path, s.blob_id) for s in result.skipped] == [("lost.txt", lost)]
    assert "missing" in result.skipped[0].reason
    assert {loc[:2] for loc in pat_locations(result)} == {(preview(T2), "kept.txt")}


def test_submodules_lfs_pointers_binaries_and_huge_blobs_are_reported_not_scanned(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("image.bin", b"\x89PNG\x00\x00" + T1.encode() + b"\x00")
    repo.write("model.dat", "version https://git-lfs.github.com/spec/v1\noid sha256:" + "ab" * 32 + "\nsize 1234\n")
    repo.write("huge.txt", "x" * 5000 + f"\n{T2}\n")
    repo.write("ok.txt", f"{T3}\n")
    repo.git("add", "-A")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor/lib")
    repo.commit("assorted", add=False)
    result = history(repo.path, settings=Settings(max_file_size=4096))
    reasons = {s.path: s.reason for s in result.skipped}
    assert set(reasons) == {"image.bin", "model.dat", "huge.txt", "vendor/lib"}
    assert reasons["image.bin"] == "binary file"
    assert reasons["model.dat"].startswith("Git LFS pointer")
    assert reasons["huge.txt"].startswith("larger than the size limit")
    assert reasons["vendor/lib"].startswith("submodule (commit 111111111111)")
    assert {loc[:2] for loc in pat_locations(result)} == {(preview(T3), "ok.txt")}


def test_excluded_paths_are_not_scanned(scripted: Repo) -> None:
    result = history(scripted.path, settings=Settings(exclude=("settings", "config")))
    assert {loc[1] for loc in pat_locations(result)} == {"tools/deploy.sh", "scripts/ci.sh", "feature.txt", "topic.txt"}


def test_a_folder_inside_the_repository_limits_the_paths(scripted: Repo) -> None:
    result = history(scripted.path / "settings")
    assert {loc[1] for loc in pat_locations(result)} == {"settings/app.env"}


def test_repository_without_commits(tmp_path: Path) -> None:
    repo = init(tmp_path / "empty")
    result = history(repo.path)
    assert result.findings == ()
    assert any("no commits" in note for note in result.notes)


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository"):
        history(tmp_path)


def test_a_bare_mirror_is_scanned_with_its_refs(scripted: Repo, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(scripted.path), str(mirror)], check=True, capture_output=True)
    assert pat_locations(history(mirror)) == pat_locations(history(scripted.path))


def test_unusual_paths_are_reported_exactly(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    names = ["with space.txt", "données/clé.env", "line\nbreak.txt", ":colon:start.txt"]
    for i, name in enumerate(names):
        repo.write(name, f"k{i} = {[T1, T2, T3, T4][i]}\n")
    repo.commit("odd names")
    assert {loc[1] for loc in pat_locations(history(repo.path))} == set(names)


def test_blobs_and_trees_named_by_refs_are_scanned_with_no_commit(tmp_path: Path) -> None:
    # git.git tags a key blob and linux a tree: no commit holds them, `git log` never lists
    # them, every clone has them. They are scanned under the ref's name (a tree's files as
    # <ref>:<path>), with no introducing commit, not in the tip.
    from git_fixtures import token

    repo = init(tmp_path / "tags")
    repo.write("README.md", "hello\n")
    repo.commit("init")
    blob_secret, tree_secret, nested_secret = token("tagged-blob"), token("tagged-tree"), token("nested")
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo.path, input=f"key = {blob_secret}\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    repo.git("tag", "-a", "keys", "-m", "a blob", blob)
    inner = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo.path, input=f"token: {tree_secret}\n",
                           capture_output=True, text=True, check=True).stdout.strip()
    conf = subprocess.run(["git", "mktree"], cwd=repo.path, input=f"100644 blob {inner}\tapp.yaml\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    tree = subprocess.run(["git", "mktree"], cwd=repo.path, input=f"040000 tree {conf}\tconf\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    repo.git("tag", "snapshot", tree)  # a lightweight tag naming a tree
    third = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo.path, input=f"{nested_secret}\n",
                           capture_output=True, text=True, check=True).stdout.strip()
    repo.git("tag", "-a", "inner", "-m", "inner", third)
    repo.git("tag", "-a", "outer", "-m", "a tag of a tag", "inner")
    repo.git("tag", "-d", "inner")  # only the outer tag still reaches the blob
    result = history(repo.path)
    found = {
        (f.preview, loc.provenance.path, loc.span.line, loc.provenance.commit, loc.provenance.in_tip)
        for f in result.findings if f.rule_id == PAT_RULE for loc in f.locations
    }
    assert found == {
        (preview(blob_secret), "refs/tags/keys", 1, None, False),
        (preview(tree_secret), "refs/tags/snapshot:conf/app.yaml", 1, None, False),
        (preview(nested_secret), "refs/tags/outer", 1, None, False),
    }
    assert history(repo.path, HistorySpec(refs=("main",))).findings == ()  # a branch's history holds none
    repo.write("docs/guide.md", "read me\n")
    repo.commit("docs")
    assert history(repo.path / "docs").findings == ()  # tagged content sits in no folder


def test_a_tag_of_a_missing_object_is_reported_not_fatal(tmp_path: Path) -> None:
    from git_fixtures import token

    repo = init(tmp_path / "damaged")
    repo.write("a.txt", f"{token('in-a-commit')}\n")
    repo.commit("init")
    lost = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo.path, input="lost\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    repo.git("tag", "-a", "lost", "-m", "a blob that goes missing", lost)
    (repo.path / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    result = history(repo.path)
    assert [n for n in result.notes if n.startswith("refs/")] == [
        "refs/tags/lost: names a missing object (damaged repository?): not scanned"
    ]  # git log --all would fail on it: the other refs are still read
    assert [(f.preview, loc.provenance.path) for f in result.findings for loc in f.locations] == [
        (preview(token("in-a-commit")), "a.txt")
    ]


def test_the_tip_read_ahead_gives_the_same_report_and_is_not_read_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While git log runs the tip is read ahead; a blob whose every place is its tip path is
    not read again (its places come as Seen), one also seen elsewhere is read and analysed as
    usual, a binary tip file is never sent ahead. The report equals a scan without it."""
    from secretscan.sources import git_history
    from secretscan.sources.git_common import Ahead, CatFile, Occurrences, Seen

    repo = init(tmp_path / "repo")
    repo.write("a.env", f"GITHUB_TOKEN={T1}\n")
    repo.write("old/b.env", f"GITHUB_TOKEN={T1}\n")  # the same blob at a path gone from the tip
    repo.commit("two copies")
    repo.git("rm", "-q", "old/b.env")
    repo.write("c.txt", f"{T2}\n")
    repo.write("image.bin", b"\x89PNG\x00\x00\x01")
    repo.write("bad.yaml", "a: [\n")
    repo.commit("more")
    copies, alone, bad = repo.blob_id("HEAD:a.env"), repo.blob_id("HEAD:c.txt"), repo.blob_id("HEAD:bad.yaml")

    read: list[str] = []
    real_read = CatFile.read

    def spy_read(self, ids, max_size):  # type: ignore[no-untyped-def]
        for item in real_read(self, ids, max_size):
            read.append(item[0])
            yield item

    monkeypatch.setattr(CatFile, "read", spy_read)
    monkeypatch.setattr(git_history._Background, "finished", property(lambda self: False))  # the whole tip goes ahead
    items = list(HistorySource(repo.path, Settings()).items())
    assert sorted(i.blob.id for i in items if isinstance(i, Ahead)) == sorted([copies, alone, bad])
    assert sorted(i.blob_id for i in items if isinstance(i, Seen)) == sorted([alone, bad])
    assert [i.blob.id for i in items if isinstance(i, Occurrences)] == [copies]
    assert sorted(read) == sorted([copies, alone, bad, repo.blob_id("HEAD:image.bin"), copies, repo.blob_id("HEAD:image.bin")])

    ahead = history(repo.path)
    monkeypatch.setattr(HistorySource, "_ahead", lambda *_: iter(()))
    plain = history(repo.path)
    assert (ahead.findings, ahead.skipped, ahead.notes) == (plain.findings, plain.skipped, plain.notes)
    assert pat_locations(ahead) == {
        (preview(T1), "a.env", 1, "two copies", True, None),
        (preview(T1), "old/b.env", 1, "two copies", False, "more"),
        (preview(T2), "c.txt", 1, "more", True, None),
    }
    assert [s.path for s in ahead.skipped] == ["image.bin"]
    assert [n.split(" (")[0] for n in ahead.notes if n.startswith("bad.yaml")] == ["bad.yaml: not valid YAML/JSON"]


def test_history_keeps_the_first_commit_per_path_in_its_packed_form() -> None:
    from secretscan.sources.git_history import NO_COMMIT, History, _pair, _unpair

    h = History()
    h.introduce("b1", 0, 5)
    h.introduce("b1", 0, 9)  # a later commit at the same path: the first is kept
    assert h.places("b1") == {0: 5} and isinstance(h.introduced["b1"], int)
    h.introduce("b1", 3, 7)
    h.introduce("b1", 3, 8)
    assert h.places("b1") == {0: 5, 3: 7}
    h.introduce("b2", 2, NO_COMMIT)  # tagged content: no commit
    assert h.places("b2") == {2: NO_COMMIT}
    assert [_unpair(_pair(a, b)) for a, b in [(-1, -1), (0, 0), (-1, 12), (2**31, 2**32 - 2)]] == [
        (-1, -1), (0, 0), (-1, 12), (2**31, 2**32 - 2)]
