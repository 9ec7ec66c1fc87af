"""The one error boundary maps every outcome to the exit-code table."""

from __future__ import annotations

import pytest

from secretscan.cli.boundary import run
from secretscan.errors import ConfigError, InternalError


def _raise(exc: BaseException):  # type: ignore[no-untyped-def]
    def entry(standalone_mode: bool) -> int:
        raise exc

    return entry


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (ConfigError("bad config"), 2, "secretscan: error: bad config"),
        (InternalError("broken"), 3, "secretscan: error: broken"),
        (RuntimeError("boom"), 3, "secretscan: error: internal error: RuntimeError: boom"),
        (KeyboardInterrupt(), 130, "secretscan: error: interrupted"),
    ],
)
def test_exit_codes(exc: BaseException, code: int, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run(_raise(exc))
    assert done.value.code == code
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Traceback" not in err


def test_debug_env_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SECRETSCAN_DEBUG", "1")
    with pytest.raises(SystemExit):
        run(_raise(RuntimeError("boom")))
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(("returned", "code"), [(0, 0), (1, 1), (None, 0)])
def test_return_value_is_the_exit_code(returned: int | None, code: int) -> None:
    with pytest.raises(SystemExit) as done:
        run(lambda standalone_mode: returned)
    assert done.value.code == code
