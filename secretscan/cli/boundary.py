"""The one error boundary: every exit code is decided here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

import click

from secretscan.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, SecretscanError


def run(entry: Callable[..., object]) -> NoReturn:
    """Run a click command; map every outcome to one exit code and one line on stderr."""
    try:
        code = entry(standalone_mode=False)
    except SecretscanError as exc:
        _fail(str(exc), exc.exit_code)
    except click.exceptions.Abort:
        _fail("interrupted", EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - the boundary: an unexpected error is a bug
        if os.environ.get("SECRETSCAN_DEBUG"):
            import traceback

            traceback.print_exc()
        _fail(f"internal error: {type(exc).__name__}: {exc} (set SECRETSCAN_DEBUG=1 for a traceback)", EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"secretscan: error: {message}", err=True)
    sys.exit(code)
