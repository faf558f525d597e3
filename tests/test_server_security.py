"""``etiograph serve`` against the security review of 2026-11-30, end to end on loopback.

Every test starts a real server (a subprocess, on a free port, stopped by PID) and a canary TCP
listener that must receive **no** connection. The review's gate bypass (A68–A94) and its variants
are sent by GET, form POST and direct POST; then the gate is switched off (a test-only switch) to
show that the kernel sandbox alone stops the request, and the sandbox is switched off too, to show
that the canary would have seen it. Limits (memory, answer size, slow and idle connections, heavy
queries, clients that leave) are checked by behaviour and ordering, not by timing.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_server_gate import Canary, bypasses

pytestmark = pytest.mark.external

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PROBE = "ASK { ?s ?p ?o }"
LEAKS = re.compile(r"Traceback|File \"|pyparsing|pyoxigraph|rdflib|Exception", re.IGNORECASE)


class Serve:
    """``etiograph serve`` in a subprocess; its first lines, its URL, its process tree."""

    def __init__(self, *options: str, env: dict[str, str] | None = None, prefix: list[str] | None = None):
        command = [*(prefix or [sys.executable]), "-m", "etiograph", "serve", "--port", "0", "--quiet", *options]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.errors.append), daemon=True).start()
        try:
            first = self.lines.get(timeout=90)
        except queue.Empty:
            self.stop()
            raise AssertionError(f"etiograph serve did not start: {self.errors}") from None
        found = re.search(r"SPARQL endpoint (http://\S+)", first)
        assert found, (first, self.errors)
        self.sparql = found.group(1)
        self.base = self.sparql.removesuffix("sparql")
        self.banner = first + "".join(self._more_lines())

    def _more_lines(self) -> list[str]:
        out = []
        for _ in range(3):
            try:
                out.append(self.lines.get(timeout=2))
            except queue.Empty:
                break
        return out

    @staticmethod
    def _read(stream, sink) -> None:
        for line in stream:
            sink(line)

    def workers(self) -> list[int]:
        """The worker processes: children of the zygote, itself the server's child."""
        return [pid for pid in descendants(self.process.pid) if pid != self.process.pid][1:]

    def stop(self) -> None:
        tree = descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in tree[1:]:  # anything of ours left behind, by PID
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(sorted(children.get(current, [])))
    return out


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Serve]:
    served = Serve("--timeout", "5")
    yield served
    served.stop()


def transports(client: httpx.Client, url: str, query: str) -> list[httpx.Response]:
    """The query by GET (when it fits in a URL), form POST and direct POST."""
    replies = [client.get(url, params={"query": query})] if len(query) < 8000 else []
    return [
        *replies,
        client.post(url, data={"query": query}),
        client.post(url, content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]


# -- no outbound request ----------------------------------------------------------------------------
def test_review_bypasses_are_refused_by_every_transport(server, canary):
    """A68–A94 and the variants found since: 400/403, and the canary sees nothing."""
    with httpx.Client(timeout=30) as client:
        for name, query in bypasses(canary.port).items():
            for reply in transports(client, server.sparql, query):
                assert reply.status_code in (400, 403), (name, reply.status_code, reply.text)
                assert not LEAKS.search(reply.text)
    time.sleep(0.3)
    assert canary.connections == 0


def test_the_workers_run_in_the_kernel_sandbox(server):
    workers = server.workers()
    assert len(workers) >= 2, workers
    own_net = os.readlink("/proc/self/ns/net")
    for pid in workers:
        status = Path(f"/proc/{pid}/status").read_text()
        assert re.search(r"^Seccomp:\s+2$", status, re.M), status  # a filter is installed
        assert re.search(r"^NoNewPrivs:\s+1$", status, re.M)
        assert os.readlink(f"/proc/{pid}/ns/net") != own_net  # an empty network namespace
    assert "seccomp" in server.banner and "landlock" in server.banner


def test_the_sandbox_alone_stops_the_request(canary):
    """With the gate switched off (test-only switch), SERVICE reaches pyoxigraph, which cannot connect."""
    gate_off = {"ETIOGRAPH_TEST_ONLY_DISABLE_GATE": "1"}
    url = f"http://127.0.0.1:{canary.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        bypasses(canary.port)["review_bypass"],
    ]
    sandboxed = Serve("--timeout", "5", env=gate_off)
    try:
        assert "GATE DISABLED" in sandboxed.banner
        with httpx.Client(timeout=30) as client:
            for query in queries:
                for reply in transports(client, sandboxed.sparql, query):
                    assert reply.status_code in (200, 500), reply.text  # SILENT: an empty answer
                    assert not LEAKS.search(reply.text)
        time.sleep(0.3)
        assert canary.connections == 0
    finally:
        sandboxed.stop()
    # The control: without the sandbox as well, the same query does reach the canary.
    exposed = Serve("--timeout", "5", "--unsafe-no-sandbox", env=gate_off)
    try:
        assert "unsafe-no-sandbox" in exposed.banner
        httpx.get(exposed.sparql, params={"query": queries[1]}, timeout=30)
        time.sleep(0.3)
        assert canary.connections >= 1
    finally:
        exposed.stop()
        canary.connections = 0


def test_a_persistent_store_is_confined_too(tmp_path, canary):
    """A-stores: the bypass against --store oxigraph:PATH (RocksDB opened read-only inside the sandbox)."""
    served = Serve("--timeout", "5", "--store", f"oxigraph:{tmp_path / 'db'}")
    try:
        with httpx.Client(timeout=30) as client:
            for reply in transports(client, served.sparql, bypasses(canary.port)["review_bypass"]):
                assert reply.status_code == 403
            assert client.get(served.sparql, params={"query": PROBE}).json()["boolean"] is True
        time.sleep(0.3)
        assert canary.connections == 0
    finally:
        served.stop()


SECCOMP_WITHOUT_LANDLOCK = """
import os, sys, errno, pyseccomp
f = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
f.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "landlock_create_ruleset")
f.load()
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def test_serve_refuses_to_start_without_the_sandbox(tmp_path):
    """A kernel without Landlock (simulated: the call answers ENOSYS) -> one clear error, exit 2."""
    wrapper = tmp_path / "no_landlock.py"
    wrapper.write_text(textwrap.dedent(SECCOMP_WITHOUT_LANDLOCK))
    command = [sys.executable, str(wrapper), "-m", "etiograph", "serve", "--port", "0", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert done.returncode == 2, done.stderr
    assert "Landlock" in done.stderr and "--unsafe-no-sandbox" in done.stderr
    assert "Traceback" not in done.stderr
    unsafe = Serve("--unsafe-no-sandbox", prefix=[sys.executable, str(wrapper)])
    try:
        assert "UNCONFINED" in unsafe.banner or "unsafe-no-sandbox" in unsafe.banner
        assert httpx.get(unsafe.sparql, params={"query": PROBE}, timeout=30).status_code == 200
    finally:
        unsafe.stop()


# -- bounded ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def limited() -> Iterator[Serve]:
    served = Serve(
        "--timeout",
        "20",
        "--query-memory",
        "256",
        "--max-answer-bytes",
        "200000",
        "--workers",
        "1",
        "--max-workers",
        "4",
        "--max-per-client",
        "2",
        "--request-timeout",
        "2",
        "--connections-per-client",
        "64",
    )
    yield served
    served.stop()


def doubling(steps: int, result: str) -> str:
    binds = ['BIND("aaaaaaaa" AS ?x0)'] + [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(steps)]
    return f"SELECT {result} WHERE {{ {' '.join(binds)} }}".replace("LAST", f"?x{steps}")


def test_a_query_past_its_memory_gets_503_and_the_server_goes_on(limited):
    """B08: CONCAT doubling to 1 GiB, under a 256 MiB per-query limit."""
    reply = httpx.post(limited.sparql, data={"query": doubling(27, "(STRLEN(LAST) AS ?n)")}, timeout=60)
    assert reply.status_code == 503 and "memory" in reply.text, reply.text
    assert httpx.get(limited.sparql, params={"query": PROBE}, timeout=30).status_code == 200


def test_answers_are_capped_in_bytes(limited):
    """B10: one row holding a 1 MiB string, under a 200,000-byte answer limit."""
    reply = httpx.post(limited.sparql, data={"query": doubling(17, "LAST")}, timeout=60)
    assert reply.status_code == 503 and "200,000 bytes" in reply.text
    small = httpx.post(limited.sparql, data={"query": doubling(10, "LAST")}, timeout=60)
    assert small.status_code == 200 and len(small.json()["results"]["bindings"][0]["x10"]["value"]) == 8 * 1024


def test_crashing_shapes_are_refused_and_no_worker_dies(limited):
    """B19/B20: refused with 400 before any parser; the workers are the same afterwards."""
    before = set(limited.workers())
    for query in (
        "SELECT * WHERE { ?a " + "/".join(["<http://e/p>"] * 8_500) + " ?b }",
        "SELECT (" + " + ".join(["1"] * 10_000) + " AS ?x) {}",
    ):
        reply = httpx.post(limited.sparql, data={"query": query}, timeout=60)
        assert reply.status_code == 400 and "operators" in reply.text
    assert before <= set(limited.workers())


def test_heavy_queries_do_not_make_a_simple_one_wait(limited):
    """B41/B42 from one address (the probe's own): six heavy queries; two may run long (the per-client
    limit), the others are stopped when they turn long, and the probe is answered before the two
    long ones end (at the 20 s timeout)."""
    outcomes: list[tuple[int, str, float]] = []

    def heavy() -> None:
        reply = httpx.post(limited.sparql, data={"query": HEAVY}, timeout=60)
        outcomes.append((reply.status_code, reply.text, time.monotonic()))

    threads = [threading.Thread(target=heavy) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    reply = httpx.get(limited.sparql, params={"query": PROBE}, timeout=60)
    answered = time.monotonic()
    for thread in threads:
        thread.join(timeout=60)
    assert reply.status_code == 200
    long = [end for status, text, end in outcomes if status == 503 and "20 s limit" in text]
    stopped = [text for status, text, _ in outcomes if status == 503 and "long queries" in text]
    assert len(long) == 2 and len(stopped) == 4, outcomes
    assert answered < min(long)


def _cpu(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])


def test_a_client_that_leaves_has_its_worker_stopped(limited):
    """B40: the worker running an abandoned query is killed (and replaced), long before the 20 s timeout."""
    host, port = re.match(r"http://([^:/]+):(\d+)", limited.sparql).groups()
    body = ("query=" + HEAVY.replace(" ", "+")).encode()
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    time.sleep(1.5)
    busy = max(limited.workers(), key=_cpu)  # the one burning CPU on the heavy query
    sock.close()
    left = time.monotonic()
    while busy in limited.workers() and time.monotonic() - left < 10:
        time.sleep(0.05)
    assert busy not in limited.workers(), "the abandoned query's worker is still running"
    assert time.monotonic() - left < 10  # far below the 20 s query timeout: it was the disconnect
    assert httpx.get(limited.sparql, params={"query": PROBE}, timeout=30).status_code == 200


def _hold(host: str, port: int, count: int, source: str) -> list[socket.socket]:
    held = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind((source, 0))
        sock.connect((host, port))
        held.append(sock)
    return held


@pytest.mark.parametrize("sources", [["127.0.0.1"], [f"127.0.0.{n}" for n in range(2, 12)]])
def test_idle_connections_do_not_lock_anyone_out(limited, sources):
    """C5/C6: 520 idle connections (from the probe's own address, or from ten others) while a
    normal client is served; idle ones are closed after the request timeout (2 s here)."""
    host, port = re.match(r"http://([^:/]+):(\d+)", limited.sparql).groups()
    held: list[socket.socket] = []
    try:
        for source in sources:
            held += _hold(host, int(port), 520 // len(sources), source)
        for _ in range(3):
            assert httpx.get(limited.sparql, params={"query": PROBE}, timeout=10).status_code == 200
        time.sleep(3)  # past the request timeout
        closed = 0
        for sock in held:
            sock.settimeout(0.5)
            try:
                closed += sock.recv(1) == b""
            except (ConnectionResetError, BrokenPipeError):
                closed += 1
            except TimeoutError:
                pass
        assert closed == len(held)
    finally:
        for sock in held:
            sock.close()


def test_a_slow_request_is_cut_off(limited):
    """B37: a request line and one header, then nothing: closed after the request timeout."""
    host, port = re.match(r"http://([^:/]+):(\d+)", limited.sparql).groups()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")
        sock.settimeout(10)
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(100) == b""


def test_the_rdflib_store_is_gated_by_its_own_parser_too(canary):
    """--store rdflib: rdflib is the engine there, so its own parse tree is walked as well."""
    served = Serve("--timeout", "10", "--store", "rdflib")
    try:
        with httpx.Client(timeout=60) as client:
            for reply in transports(client, served.sparql, bypasses(canary.port)["review_bypass"]):
                assert reply.status_code == 403
            assert client.get(served.sparql, params={"query": PROBE}).json()["boolean"] is True
        time.sleep(0.3)
        assert canary.connections == 0
        assert not any("query failed" in line for line in served.errors)  # the warm-up ran clean
    finally:
        served.stop()
