from __future__ import annotations

from pathlib import Path

import pytest

from secretscan.config import Settings, find_config, load_settings
from secretscan.errors import ConfigError
from secretscan.model import Confidence, Severity


def test_defaults_when_no_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert find_config(tmp_path) is None
    assert load_settings(None) == Settings()


def test_secretscan_toml_is_read(tmp_path: Path) -> None:
    (tmp_path / ".secretscan.toml").write_text(
        'exclude = ["vendor"]\ndisable_rules = ["a.b"]\nrules_dirs = ["myrules"]\n'
        'allowed_values = ["v"]\nfail_on = "high"\nmin_confidence = "medium"\nmax_file_size = 100\n'
    )
    path = find_config(tmp_path)
    assert path == tmp_path / ".secretscan.toml"
    s = load_settings(path)
    assert s.exclude == ("vendor",)
    assert s.disable_rules == ("a.b",)
    assert s.rules_dirs == ((tmp_path / "myrules").resolve(),)
    assert s.allowed_values == ("v",)
    assert s.fail_on is Severity.HIGH
    assert s.min_confidence is Confidence.MEDIUM
    assert s.max_file_size == 100


def test_pyproject_tool_table_is_read_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.secretscan]\nexclude = ["x"]\n')
    sub = tmp_path / "pkg" / "sub"
    sub.mkdir(parents=True)
    path = find_config(sub)
    assert path == tmp_path / "pyproject.toml"
    assert load_settings(path).exclude == ("x",)


def test_pyproject_without_our_table_is_not_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("exclude = [", "invalid TOML"),
        ("exclude = 'vendor'", "'exclude' must be a list of strings"),
        ("bogus = 1", "unknown key(s) bogus"),
        ("fail_on = 'severe'", "invalid level"),
        ("max_file_size = -1", "'max_file_size' must be a non-negative integer"),
        ("rotation_days = { database_credentials = 0 }", "'rotation_days' must be a table of positive integers"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / ".secretscan.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value).strip()
