"""Services the fault tests own: Elasticsearch nodes and Redis servers they really stop
and kill, never the shared ones of scripts/services.sh.

They are started by ``scripts/services.sh es-node`` and ``redis-node`` (the same
installs, users and settings as the shared services, in one place) on free loopback
ports, with their data in a directory of their own under /tmp. Each directory notes
the pytest process that owns it; a later run kills what an interrupted run left
behind (only processes whose command line names that directory or port).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "services.sh"
PREFIX = "techmatch-faults-"
OWNER = "owner.pid"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped by its parent) holds no port and no file.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Node:
    """One server process whose pid the start script wrote to ``pidfile``."""

    name = "node"

    def __init__(self, directory: Path, pidfile: str) -> None:
        self.directory = directory
        self.pidfile = directory / pidfile

    def _mine(self, pid: int) -> bool:
        raise NotImplementedError

    def pid(self) -> int | None:
        """The server's pid while it runs (checked against its command line)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) and self._mine(pid) else None

    @property
    def running(self) -> bool:
        return self.pid() is not None

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 60) -> None:
        """Send ``sig`` and wait until the process is gone."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} (pid {pid}) did not stop")
            time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        found = []
        for path in sorted(self.directory.rglob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            found.append(f"--- {path}\n" + "\n".join(text))
        return "\n".join(found)


class ElasticsearchNode(Node):
    """A node of a cluster of the fault tests (``scripts/services.sh es-node``)."""

    def __init__(
        self,
        directory: Path,
        *,
        cluster: str,
        name: str,
        seeds: tuple[int, ...] = (),
        roles: str = "",
        masters: str = "",
        http_port: int | None = None,
        transport_port: int | None = None,
    ) -> None:
        super().__init__(directory, "es.pid")
        self.cluster, self.name = cluster, name
        self.http_port = http_port or free_port()
        self.transport_port = transport_port or free_port()
        self.seeds, self.roles, self.masters = seeds, roles, masters
        self._launcher: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def _mine(self, pid: int) -> bool:
        return str(self.directory / "tmp") in _cmdline(pid)

    def start(self) -> None:
        """Launch the node in the background (with its old data, if it had any)."""
        if self.running or (self._launcher and self._launcher.poll() is None):
            return
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        log = (self.directory.parent / f"{self.name}-launch.log").open("ab")
        self._launcher = subprocess.Popen(
            [
                "bash",
                str(SCRIPT),
                "es-node",
                str(self.directory),
                self.cluster,
                self.name,
                str(self.http_port),
                str(self.transport_port),
                ",".join(map(str, self.seeds)),
                self.roles,
                self.masters,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()

    def health(self, query: str = "") -> dict[str, object] | None:
        try:
            with urllib.request.urlopen(
                f"{self.url}/_cluster/health{query}", timeout=65
            ) as response:
                return json.loads(response.read())  # type: ignore[no-any-return]
        except (OSError, urllib.error.URLError, ValueError):
            return None

    def wait_ready(self, *, nodes: int = 1, timeout: float = 240) -> float:
        """Start if needed and wait until the cluster has ``nodes`` nodes and is at
        least yellow; the seconds waited."""
        started = time.monotonic()
        self.start()
        if self._launcher is not None:
            code = self._launcher.wait(timeout=timeout)
            self._launcher = None
            if code != 0:
                raise RuntimeError(
                    f"elasticsearch node {self.name} failed to start:\n"
                    + self.log_tail()
                    + (self.directory.parent / f"{self.name}-launch.log").read_text()
                )
        query = f"?wait_for_nodes={nodes}&wait_for_status=yellow&timeout=60s"
        while time.monotonic() - started < timeout:
            health = self.health(query)
            if health and not health.get("timed_out"):
                return time.monotonic() - started
            time.sleep(0.5)
        raise TimeoutError(
            f"elasticsearch node {self.name} not ready:\n{self.log_tail()}"
        )


class RedisNode(Node):
    """A Redis server of the fault tests (``scripts/services.sh redis-node``)."""

    name = "redis"

    def __init__(self, base: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        super().__init__(base / f"redis-{self.port}", "redis.pid")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def _mine(self, pid: int) -> bool:
        return f"127.0.0.1:{self.port}" in _cmdline(pid)

    def start(self, timeout: float = 30) -> None:
        """Start the server (empty: nothing is persisted) and wait for its PING."""
        import redis

        result = subprocess.run(
            ["bash", str(SCRIPT), "redis-node", str(self.directory), str(self.port)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"redis-server failed to start:\n{result.stderr}")
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.1)


def new_base() -> Path:
    """A directory for this run's services, readable by the services' own users."""
    base = Path(tempfile.mkdtemp(prefix=PREFIX, dir="/tmp"))
    base.chmod(0o755)
    (base / OWNER).write_text(str(os.getpid()))
    return base


def remove(base: Path, nodes: list[Node]) -> None:
    """Kill this run's services and delete their data."""
    for node in nodes:
        node.kill()
    shutil.rmtree(base, ignore_errors=True)


def reap_orphans() -> list[str]:
    """Kill the services of earlier runs whose pytest process is gone; what was reaped."""
    reaped = []
    for base in Path("/tmp").glob(f"{PREFIX}*"):
        try:
            owner = int((base / OWNER).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        for pidfile in [*base.glob("*/es.pid"), *base.glob("*/redis.pid")]:
            try:
                pid = int(pidfile.read_text().strip())
            except (OSError, ValueError):
                continue
            # Only a process whose command line names this directory (Elasticsearch)
            # or this server's port (Redis: directories are named redis-<port>).
            if pidfile.name == "es.pid":
                marker = str(pidfile.parent / "tmp")
            else:
                marker = "127.0.0.1:" + pidfile.parent.name.removeprefix("redis-")
            if _alive(pid) and marker in _cmdline(pid):
                os.kill(pid, signal.SIGKILL)
                reaped.append(f"{pidfile.parent} (pid {pid})")
        shutil.rmtree(base, ignore_errors=True)
    return reaped


def same_database(url: str, settings: object) -> str:
    """``url``'s server with the Redis database number the test settings use."""
    db = urlsplit(settings.CACHES["default"]["LOCATION"]).path  # type: ignore[attr-defined]
    return urlsplit(url)._replace(path=db).geturl()
