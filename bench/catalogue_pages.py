"""Throughput of anonymous catalogue and detail pages next to a minimal Django view.

Runs gunicorn (production-shaped settings: PostgreSQL, Redis cache) on 127.0.0.1 and
drives it with wrk from Debian; all traffic stays on loopback and every run is bounded.
Prints one JSON object. Needs `scripts/services.sh up` (PostgreSQL, Redis).

    .venv/bin/python bench/catalogue_pages.py [--seconds 10] [--connections 8]
        [--extra 1000] [--rounds 3]

Each round measures every URL once, one after the other, so that a machine shared with
other work disturbs all of them alike; ratios are taken within a round, and the
median round is reported next to the best and worst.

- ``minimal_view``: the yardstick, the least a Django view can do.
- ``page_bytes``: a catalogue-sized page from memory (what sending the bytes costs).
- ``*_cached``: the same address again and again (the anonymous page cache).
- ``*_uncached``: a unique ``?nocache=N`` on every request, so the page cache never
  answers; the parts of the page (totals, facet counts, cards) are cached.
- ``catalogue_filtered``: a different filter combination on every request, after all
  cached parts were retired, so totals, facet counts and the page's listings are read
  from PostgreSQL (the cards, shared by all combinations, warm up as it runs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = 8011
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    "PYTHONPATH": str(ROOT),
}
# A different URL every request, so each one misses the page cache.
UNCACHED_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. (string.find(wrk.path, "?") and "&" or "?") .. "nocache=" .. counter)
end
"""
# A different filter combination every request (mixed radix over the filters).
FILTERED_LUA = """
counter = 0
fields = {"", "01", "02", "03", "04", "05", "06", "07", "08"}
levels = {"", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
prices = {"", "le50", "50-200", "200-1000", "gt1000", "negotiable"}
modes = {"", "transfer", "license", "joint", "equity", "development", "service"}
sorts = {"newest", "price", "-price", "views"}
request = function()
  local n = counter
  counter = counter + 1
  local function pick(list)
    local value = list[(n % #list) + 1]
    n = math.floor(n / #list)
    return value
  end
  local query = "field=" .. pick(fields) .. "&trl=" .. pick(levels) .. "&price=" ..
    pick(prices) .. "&mode=" .. pick(modes) .. "&sort=" .. pick(sorts)
  return wrk.format(nil, wrk.path .. "?" .. query)
end
"""


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://techmatch:techmatch@127.0.0.1:5432/techmatch", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'techmatch_bench'"
        ).fetchone()
        if not exists:
            conn.execute("CREATE DATABASE techmatch_bench")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(
        ["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=300", "wrk"],
        check=True,
        capture_output=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or sys.exit("bench: could not install wrk")


def page_urls() -> dict[str, str]:
    """Paths of the pages to measure, asked of the application itself."""
    script = (
        "import json, django; django.setup();"
        "from bench.targets import targets; print(json.dumps(targets()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def wrk(
    binary: str, path: str, *, seconds: int, connections: int, script: str = ""
) -> float:
    cmd = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    if script:
        cmd += ["-s", lua.name]
    result = subprocess.run(
        [*cmd, BASE + path], capture_output=True, text=True, timeout=seconds + 30
    )
    os.unlink(lua.name)
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if not match or errors:
        sys.exit(f"bench: wrk failed on {path}:\n{result.stdout}\n{result.stderr}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--extra", type=int, default=1000, help="generated listings on top of the demo"
    )
    parser.add_argument("--rounds", type=int, default=3, help="measurements per URL")
    args = parser.parse_args()

    binary = ensure_wrk()
    ensure_database()
    manage("migrate", "--noinput")
    manage("load_demo")
    manage(
        "shell",
        "-c",
        f"from bench.targets import ensure_listings; ensure_listings({args.extra})",
    )
    targets = page_urls()

    workers = os.cpu_count() or 2
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(BASE + "/bench/minimal/", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("bench: gunicorn did not start")
                time.sleep(0.3)
        rounds = [measure(binary, targets, args) for _ in range(args.rounds)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    ratios = [
        {k: v / r["minimal_view"] for k, v in r.items() if k != "minimal_view"}
        for r in rounds
    ]
    print(
        json.dumps(
            {
                "benchmark": "catalogue_pages",
                "cores": os.cpu_count(),
                "gunicorn": f"{workers} gthread workers x 4 threads",
                "wrk": f"2 threads, {args.connections} connections, {args.seconds}s per URL",
                "rounds": args.rounds,
                "listings_published": targets["published"],
                "requests_per_second": spread(rounds, 1),
                "ratio_to_minimal_view": spread(ratios, 3),
                # Each round as measured: on a shared machine, a round where the
                # yardstick itself dropped was disturbed.
                "each_round": [
                    {key: round(value, 1) for key, value in r.items()} for r in rounds
                ],
                "targets": {"cached_pages": 0.7, "uncached_catalogue": 0.25},
            },
            ensure_ascii=False,
            indent=2,
        )
    )


def measure(binary: str, targets: dict[str, Any], args: argparse.Namespace) -> dict:
    """One round: every URL once, the page caches warm, then the cold filtered run."""
    for path in (targets["catalogue"], targets["detail"]):  # warm the page cache
        for _ in range(4):  # each worker process learns the address, then stores
            urllib.request.urlopen(BASE + path, timeout=10).read()
    run = {"seconds": args.seconds, "connections": args.connections}
    rps = {
        "minimal_view": wrk(binary, "/bench/minimal/", **run),
        "page_bytes": wrk(binary, "/bench/page-bytes/", **run),
        "catalogue_cached": wrk(binary, targets["catalogue"], **run),
        "detail_cached": wrk(binary, targets["detail"], **run),
        "catalogue_uncached": wrk(
            binary, targets["catalogue"], script=UNCACHED_LUA, **run
        ),
        "detail_uncached": wrk(binary, targets["detail"], script=UNCACHED_LUA, **run),
    }
    # Retire every cached part, so that the filtered run starts cold.
    manage("shell", "-c", "from cms.cache import bump_catalogue_version as b; b()")
    rps["catalogue_filtered"] = wrk(
        binary, targets["catalogue"], script=FILTERED_LUA, **run
    )
    return rps


def spread(rounds: list[dict[str, float]], digits: int) -> dict[str, dict[str, float]]:
    """Median, best and worst of each measure over the rounds."""
    return {
        key: {
            "median": round(statistics.median(r[key] for r in rounds), digits),
            "best": round(max(r[key] for r in rounds), digits),
            "worst": round(min(r[key] for r in rounds), digits),
        }
        for key in rounds[0]
    }


if __name__ == "__main__":
    main()
