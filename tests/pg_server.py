"""A throwaway PostgreSQL cluster for tests and benchmarks.

``initdb`` into a fresh directory under /tmp, ``pg_ctl start`` listening on a
unix socket in that directory and on 127.0.0.1 at a free port, and a password-protected
login role for the memory (TCP connections need the password; the socket is
for the harness). PostgreSQL refuses to run as root, so as root the cluster
runs as the ``postgres`` user that Debian's package creates.

Tests call :func:`postgres_server`: the cluster starts once per process and
stops when the process exits. Without a usable PostgreSQL installation the
tests skip with the reason -- except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROLE = "l10n"
PASSWORD = "s3cret-Pa55word-for-tests"  # distinctive, so a test can search for it in messages
BOOT_TIMEOUT = 60

# A server tuned for throwaway data: nothing needs to survive a crash.
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "200",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


def _bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no initdb); install it with `apt-get install postgresql`"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running cluster; :meth:`create_database` gives each test its own database."""

    root: Path
    port: int
    bin_dir: Path
    run_as: str | None  # the user the server runs as, when we are root
    _databases: itertools.count[int]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str, password: str | None = PASSWORD, user: str = ROLE) -> str:
        """A TCP URL for ``database`` as the memory's role (with the password, by default)."""
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        """Run ``sql`` as the superuser over the unix socket."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.run_as or _current_user(),
            dbname=database,
            autocommit=True,
        ) as connection:
            connection.execute(sql.encode("utf-8"))

    def create_database(self, prefix: str = "tm") -> str:
        """A new empty database owned by the memory's role; returns its URL (with password)."""
        name = f"{prefix}_{next(self._databases)}"
        self.admin(f'CREATE DATABASE "{name}" OWNER {ROLE}')
        return self.url(name)

    def stop(self) -> None:
        self._run(
            ["pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"], check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run(self.bin_dir, self.run_as, command, check)


def _current_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def _run(
    bin_dir: Path, run_as: str | None, command: list[str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    argv = [str(bin_dir / command[0]), *command[1:]]
    if run_as is not None:
        argv = ["runuser", "-u", run_as, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=BOOT_TIMEOUT, check=False)
    if check and result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise PostgresUnavailable(f"{command[0]} failed ({result.returncode}): {output[-800:]}")
    return result


def start_server(settings: dict[str, str] | None = None) -> PostgresServer:
    """Start a new throwaway cluster (the caller stops it), with ``settings`` beside
    :data:`SETTINGS`."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailable(
            "psycopg is not installed; install the 'postgresql' extra"
        ) from None
    bin_dir = _bin_dir()
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and there is no 'postgres' user to run the server as"
            ) from None
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="l10n-pg-"))
    if run_as is not None:
        shutil.chown(root, run_as, run_as)
    server = PostgresServer(root, _free_port(), bin_dir, run_as, itertools.count(1))
    try:
        password_file = root / "password"
        password_file.write_text(PASSWORD + "\n")
        if run_as is not None:
            shutil.chown(password_file, run_as, run_as)
        server._run(
            [
                "initdb",
                "-D",
                str(server.data_dir),
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={password_file}",
            ]
        )
        chosen = {**SETTINGS, **(settings or {})}
        options = " ".join(f"-c {name}={value}" for name, value in chosen.items())
        options += f" -p {server.port} -k {server.socket_dir}"
        server._run(
            [
                "pg_ctl",
                "-D",
                str(server.data_dir),
                "-l",
                str(root / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                str(BOOT_TIMEOUT),
                "start",
            ]
        )
        server.admin(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
    except BaseException as error:
        log = root / "server.log"
        server.stop()
        if isinstance(error, PostgresUnavailable | OSError | subprocess.SubprocessError):
            detail = log.read_text()[-800:] if log.is_file() else ""
            raise PostgresUnavailable(f"{error} {detail}".strip()) from None
        raise
    return server


_server: PostgresServer | None = None
_failure: str | None = None


def postgres_server() -> PostgresServer:
    """The test session's cluster, started on first use; skips (fails under CI) without one."""
    global _server, _failure
    if _server is None and _failure is None:
        try:
            _server = start_server()
        except Exception as error:  # any failure to boot is the same verdict: no server here
            _failure = f"no PostgreSQL server for the tests: {error}"
        else:
            atexit.register(_server.stop)
    if _server is None:
        assert _failure is not None
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(_failure)
        pytest.skip(_failure)
    return _server


def drop_database(server: PostgresServer, url: str) -> None:
    """Drop the database of ``url`` (after the memory using it is closed)."""
    name = url.rsplit("/", 1)[1]
    with contextlib.suppress(Exception):
        server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def memory_location(backend: str, directory: Path) -> str:
    """Where a fresh, empty memory of ``backend`` ("sqlite" or "postgresql") can be opened."""
    if backend == "sqlite":
        return str(directory / "memory.sqlite3")
    if backend == "postgresql":
        return postgres_server().create_database()
    raise ValueError(f"unknown memory backend {backend!r}")
