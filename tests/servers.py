"""Real servers for tests: a Chroma server (`chroma run`) and a throwaway PostgreSQL cluster.

A pytest plugin: a test module that needs them declares `pytest_plugins = ["tests.servers"]` and
asks for the `chroma_server` or `postgres` fixtures. Both bind 127.0.0.1 on a free port and keep
their data in a temporary folder that is removed afterwards.

PostgreSQL comes from Debian's `postgresql` package (`/usr/lib/postgresql/<v>/bin`). `initdb`
refuses to run as root, so as root the cluster is created and run as the `postgres` user through
`runuser`. Without the binaries the PostgreSQL tests are skipped, unless `PREPBOT_REQUIRE_POSTGRES`
is set (CI sets it), in which case they fail: CI must prove the server variant.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

POSTGRES_MISSING = (
    "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
    "install Debian's postgresql package to run the PostgreSQL variants (CI does)"
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ----- Chroma ---------------------------------------------------------------------------------------
class ChromaServer:
    """`chroma run --path <path>` on 127.0.0.1; stop() and start() again keep the same path and port."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = Path(path)
        self.port = port or free_port()
        self.log = self.path.parent / f"chroma-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ChromaServer:
        binary = Path(sys.executable).parent / "chroma"
        command = [str(binary) if binary.exists() else "chroma", "run", "--path", str(self.path)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}:\n{_tail(self.log)}")
            if self.alive():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"chroma run did not answer its heartbeat within {timeout:.0f}s:\n{_tail(self.log)}")

    def alive(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (SIGTERM, or e.g. SIGKILL for a crash) and wait until the port is closed."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextlib.contextmanager
def running_chroma(path: Path, port: int | None = None) -> Iterator[ChromaServer]:
    server = ChromaServer(path, port).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the session."""
    with running_chroma(tmp_path_factory.mktemp("chroma-server") / "db") as server:
        yield server


@pytest.fixture(scope="module")
def start_chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], ChromaServer]]:
    """Start more Chroma servers of a module's own (each in a new folder); all stop after the module."""
    started: list[ChromaServer] = []

    def start() -> ChromaServer:
        started.append(ChromaServer(tmp_path_factory.mktemp("chroma") / "db").start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


# ----- PostgreSQL -----------------------------------------------------------------------------------
def postgres_bindir() -> Path | None:
    """The newest Debian PostgreSQL server bin folder (or one whose initdb is on PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name or 0)
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PostgresCluster:
    """A throwaway cluster: trust auth for `postgres` on 127.0.0.1:<port>, data in a temp folder."""

    _names = itertools.count(1)

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="prepbot-pg-"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb refuses root: the cluster belongs to the postgres user
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._admin: sa.Engine | None = None

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output to a file, not a pipe: a server started by pg_ctl could inherit the pipe and hold it open.
        output = self.root / "commands.out"
        with open(output, "w") as sink:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                  timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{_tail(output)}\n{_tail(self.logfile)}")

    def init(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                  "--no-sync")
        return self

    def start(self) -> PostgresCluster:
        # fsync=off: a test cluster need not survive a power cut, and it keeps writes fast. Commits
        # stay synchronous, so a server *process* crash or restart loses nothing acknowledged.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "60", "-o", options, "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", mode, "stop")

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "60", "-m", mode, "restart")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "prepbot") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        if self._admin is None:
            self._admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresCluster]:
    """A fresh cluster, or a skip (a failure under PREPBOT_REQUIRE_POSTGRES) without the binaries."""
    bindir = postgres_bindir()
    if bindir is None:
        if os.environ.get("PREPBOT_REQUIRE_POSTGRES"):
            pytest.fail(POSTGRES_MISSING + "; PREPBOT_REQUIRE_POSTGRES is set")
        pytest.skip(POSTGRES_MISSING)
    cluster = PostgresCluster(bindir)
    try:
        yield cluster.init().start()
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the session; each test creates its own database in it."""
    with running_postgres() as cluster:
        yield cluster


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A cluster for one test alone (to stop or restart without disturbing the others)."""
    with running_postgres() as cluster:
        yield cluster
