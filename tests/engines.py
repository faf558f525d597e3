"""Production triple stores as child processes on 127.0.0.1: Virtuoso (Debian) and Oxigraph server (PyPI).

Shared by the cross-backend suite (tests/test_backends.py), the publish tests and
``benchmarks/bench_stores.py``. Each store runs from a private folder on the ports it is given and is
stopped by its PID. Nothing here touches a system service: Virtuoso gets its own ini (loopback only,
``DirsAllowed`` set to the folder it loads from), never Debian's ``/etc/virtuoso-opensource-7``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: The ini Virtuoso gets: Debian's defaults with every path in one folder and both ports on loopback.
VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{isql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
AllowOSCalls             = 0
DirsAllowed              = ., {folder}, {load_dir}
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
MaxQueryMem              = 2G
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
"""

#: The graph every store holds the export in; endpoints are queried with it as default graph.
GRAPH = "https://w3id.org/etiograph/kg/"


class StoreError(RuntimeError):
    """A store that would not install, start or load: the message says which and why."""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or None when ``virtuoso-t`` and ``isql-vt`` are installed."""
    missing = [tool for tool in ("virtuoso-t", "isql-vt") if shutil.which(tool) is None]
    if missing:
        return (
            f"{' and '.join(missing)} not installed: Debian package virtuoso-opensource "
            "(.ci/run installs it as root; apt-get install virtuoso-opensource)"
        )
    return None


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """Whether a SPARQL endpoint answers ``ASK {}`` (form-encoded GET, which every engine accepts)."""
    query = urllib.parse.urlencode({"query": "ASK {}"})
    separator = "&" if "?" in url else "?"
    try:
        with urllib.request.urlopen(f"{url}{separator}{query}", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait(url: str, process: subprocess.Popen, log: Path, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not http_ok(url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise StoreError(f"{what} did not come up on {url} (exit {process.poll()}): {tail}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen | None, seconds: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Virtuoso:
    """A private ``virtuoso-t`` in ``folder`` with its own database (a fresh one each time it is made)."""

    folder: Path
    http_port: int
    isql_port: int
    load_dir: Path
    max_rows: int = 10_000
    buffers: int = 20_000
    dirty_buffers: int = 15_000
    process: subprocess.Popen | None = field(default=None, repr=False)
    started_seconds: float = 0.0

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def endpoint(self, graph: str = GRAPH) -> str:
        """The query URL with the loaded graph as default graph: without it Virtuoso answers from the
        union of every graph, its system graphs included."""
        return f"{self.sparql}?{urllib.parse.urlencode({'default-graph-uri': graph})}"

    @property
    def gsp(self) -> str:
        """The authenticated SPARQL 1.1 Graph Store endpoint (HTTP digest, user ``dba``)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def start(self) -> Virtuoso:
        if reason := virtuoso_missing():
            raise StoreError(reason)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.load_dir.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                folder=self.folder,
                load_dir=self.load_dir,
                http_port=self.http_port,
                isql_port=self.isql_port,
                max_rows=self.max_rows,
                buffers=self.buffers,
                dirty_buffers=self.dirty_buffers,
            )
        )
        log = self.folder / "stdout.log"
        begin = time.monotonic()
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                ["virtuoso-t", "+foreground", "+configfile", str(ini)],
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait(self.sparql, self.process, self.folder / "virtuoso.log", "virtuoso-t", seconds=90)
        except StoreError:
            self.stop()
            raise
        self.started_seconds = time.monotonic() - begin
        return self

    def isql(self, sql: str, timeout: float = 3600) -> str:
        """Run SQL through ``isql-vt``. It exits 0 even when the SQL fails, so errors are read from its output."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise StoreError(f"isql-vt failed ({done.returncode}) on {sql!r}: {output.strip()[-800:]}")
        return output

    def bulk_load(self, path: Path, graph: str = GRAPH) -> float:
        """``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``; the file must be in ``load_dir``. Seconds taken.

        ``ld_dir`` on a folder outside ``DirsAllowed`` registers nothing and says nothing, so the
        load list is read back and must show the file loaded without error.
        """
        path = path.resolve()
        if not path.is_relative_to(self.load_dir.resolve()):
            raise StoreError(f"{path} is not in the load folder {self.load_dir} (DirsAllowed)")
        begin = time.monotonic()
        self.isql(f"ld_dir('{path.parent}', '{path.name}', '{graph}'); rdf_loader_run(); checkpoint;")
        seconds = time.monotonic() - begin
        listing = self.isql(f"SELECT ll_state, ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '%/{path.name}';")
        rows = [line.split() for line in listing.splitlines() if line.strip().startswith("2 ")]
        if not rows or any(row[1:] != ["NULL"] for row in rows):
            raise StoreError(f"Virtuoso did not load {path}: {listing.strip()[-800:]}")
        return seconds

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class OxigraphServer:
    """``oxigraph serve`` (read-write, so the Graph Store Protocol works) on a folder of its own."""

    folder: Path
    port: int
    read_only: bool = False
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def query(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def store(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def bulk_load(self, path: Path) -> float:
        """``oxigraph load`` (the server must not be running on the folder yet). Seconds taken."""
        self.folder.mkdir(parents=True, exist_ok=True)
        begin = time.monotonic()
        done = subprocess.run(
            [self._executable(), "load", "--location", str(self.folder / "db"), "--file", str(path)],
            capture_output=True,
            text=True,
            timeout=7200,
        )
        if done.returncode != 0:
            raise StoreError(f"oxigraph load failed: {done.stderr.strip()[-800:]}")
        return time.monotonic() - begin

    def start(self) -> OxigraphServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = "serve-read-only" if self.read_only else "serve"
        log = self.folder / "server.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [self._executable(), command, "--location", str(self.folder / "db"), "--bind", f"127.0.0.1:{self.port}"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait(self.query, self.process, log, "oxigraph serve", seconds=60)
        except StoreError:
            self.stop()
            raise
        return self

    @staticmethod
    def _executable() -> str:
        found = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
        if found is None:
            raise StoreError("the oxigraph server CLI is not installed (pip install oxigraph)")
        return found

    def stop(self) -> None:
        _stop(self.process)


# -- pytest fixtures (registered in conftest.py) -------------------------------------------------------
#: Where the suite's Virtuoso ports start (the first free pair of 18310-18329 is taken).
VIRTUOSO_HTTP_PORT, VIRTUOSO_ISQL_PORT = 18310, 18311
#: A cap below the bundled graph's size, so the suite also sees Virtuoso cut an answer.
VIRTUOSO_TEST_MAX_ROWS = 5_000


def _skip(reason: str) -> None:
    import pytest

    print(f"skipped: {reason}")
    pytest.skip(reason)


def free_ports(first: int, last: int, count: int = 2) -> list[int]:
    """``count`` consecutive free ports on 127.0.0.1 in ``first..last``: two test runs at once must not collide."""
    import socket

    for start in range(first, last - count + 2, count):
        sockets = []
        try:
            for port in range(start, start + count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return list(range(start, start + count))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise StoreError(f"no {count} free ports in 127.0.0.1:{first}-{last}")


def virtuoso_fixture(tmp_path_factory, nt_export: bytes):
    """A fresh Virtuoso holding the export in graph GRAPH; skips (saying why) where it is not installed."""
    if reason := virtuoso_missing():
        _skip(reason)
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, isql_port = free_ports(VIRTUOSO_HTTP_PORT, VIRTUOSO_HTTP_PORT + 19)
    store = Virtuoso(folder / "db", http_port, isql_port, folder / "load", max_rows=VIRTUOSO_TEST_MAX_ROWS)
    begin = time.monotonic()
    store.start()
    try:
        dump = store.load_dir / "etiograph.nt"
        dump.write_bytes(nt_export)
        loaded = store.bulk_load(dump)
        print(f"virtuoso: started in {store.started_seconds:.1f} s, loaded in {loaded:.2f} s, ready after {time.monotonic() - begin:.1f} s")
        yield store
    finally:
        store.stop()
