"""requirements.txt alone runs the application under the production settings.

The test suite runs in a virtualenv that also holds requirements-dev.txt, which hides a
runtime dependency only the test tools pull in (``packaging``, needed by kombu's Redis
transport: without it the Celery worker crashed at start in production and nothing was
indexed). So these tests install requirements.txt alone into a clean virtualenv, the
way the Docker image does, and start from it what the image starts: a Celery worker
(until it answers a ping) and beat, gunicorn answering /healthz, and an import of every
project module, every library it imports and every backend the settings name, followed
by ``manage.py check --deploy``.

The virtualenv is kept under ``$TECHMATCH_CACHE`` (``/var/cache/techmatch``), named by a
hash of requirements.txt, so it is built once (about a minute with pip's cache) and
reused until the requirements change. The services are the suite's: the test database
(migrated), this worker's Redis database and Elasticsearch.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements.txt"
START_TIMEOUT = 90  # seconds a process may take to start on a loaded 2-core machine

pytestmark = pytest.mark.runtime

# The commands of docker-compose.yml and the Dockerfile's CMD (fewer processes).
WORKER = "celery -A config worker -l info --concurrency 1 --without-gossip --without-mingle -n"
BEAT = "celery -A config beat -l info --schedule"
WEB = (
    "gunicorn config.wsgi:application --workers 1 --worker-class gthread --threads 2 "
    "--preload --error-logfile - --bind"
)


def _cache_dir() -> Path:
    for candidate in (
        os.environ.get("TECHMATCH_CACHE") or "/var/cache/techmatch",
        Path.home() / ".cache" / "techmatch",
    ):
        path = Path(candidate)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    raise RuntimeError("no writable cache directory for the runtime virtualenv")


def build_runtime_venv(requirements: Path = REQUIREMENTS) -> Path:
    """A virtualenv with ``requirements`` installed and nothing else (built once)."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    cache = _cache_dir()
    venv = cache / f"venv-runtime-{digest}"
    done = venv / ".installed"
    with (cache / f"venv-runtime-{digest}.lock").open("w") as lock:
        # Parallel test workers wait for the one that builds it.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(venv, ignore_errors=True)  # an interrupted earlier build
            # The base interpreter, not this virtualenv's packages.
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)], check=True, env=clean_env()
            )
            subprocess.run(
                [
                    str(venv / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                    str(requirements),
                ],
                check=True,
                env=clean_env(),
                timeout=900,
            )
            done.write_text(requirements.read_text(encoding="utf-8"))
    return venv


def clean_env(**extra: str) -> dict[str, str]:
    """The process environment without this virtualenv, Django or pytest settings."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DJANGO_SETTINGS_MODULE")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("PYTEST_", "TEST_"))
    }
    env["PATH"] = os.pathsep.join(
        part
        for part in env.get("PATH", "").split(os.pathsep)
        if not part.startswith(str(Path(sys.prefix)))
    )
    env.update(extra)
    return env


def production_env(settings, tmp_path: Path) -> dict[str, str]:
    """The production settings' variables, pointing at the suite's services."""
    from django.db import connection

    db = connection.settings_dict
    media, static = tmp_path / "media", tmp_path / "static"
    media.mkdir(exist_ok=True)
    static.mkdir(exist_ok=True)
    return clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        PYTHONDONTWRITEBYTECODE="1",
        SECRET_KEY="runtime-check-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        BASE_URL="http://127.0.0.1",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
            f"/{db['NAME']}"
        ),
        REDIS_URL=settings.CELERY_BROKER_URL,
        ELASTICSEARCH_URL=settings.ELASTICSEARCH_URL,
        SEARCH_INDEX_PREFIX=f"{settings.SEARCH_INDEX_PREFIX}-runtime",
        EMAIL_HOST="127.0.0.1",
        DEFAULT_FROM_EMAIL="noreply@example.cn",
        SECURE_SSL_REDIRECT="false",
        MEDIA_ROOT=str(media),
        STATIC_ROOT=str(static),
        LOG_LEVEL="INFO",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_line(process: subprocess.Popen, log: Path, needle: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while needle not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{needle!r} never appeared:\n{log.read_text()[-6000:]}")
        time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _run(venv: Path, args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT * 2,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{output[-6000:]}"
    return output


def _start(
    stack: contextlib.ExitStack,
    venv: Path,
    args: list[str],
    env: dict[str, str],
    log: Path,
) -> subprocess.Popen:
    """``args`` started from the virtualenv's bin/, stopped when ``stack`` closes."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(venv / "bin" / args[0]), *args[1:]],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack.callback(_stop, process)
    return process


def _healthz(process: subprocess.Popen, port: int, log: Path) -> tuple[int, dict]:
    """Status and body of gunicorn's first answer to /healthz."""
    deadline = time.monotonic() + START_TIMEOUT
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": "127.0.0.1"}
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer:\n{log.read_text()[-6000:]}")
            time.sleep(0.3)


def check_runtime(venv: Path, env: dict[str, str], tmp_path: Path) -> None:
    """Every check of this module against ``venv`` (also run by hand on an old one)."""
    # Nothing but requirements.txt: the test tools are absent, and what is there fits.
    absent = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import pytest"],
        env=env,
        capture_output=True,
    )
    assert absent.returncode != 0, "the runtime virtualenv must not hold pytest"
    _run(venv, ["python", "-m", "pip", "check", "--disable-pip-version-check"], env)

    from config.celery import app as celery_app  # the Redis database of ``env``

    name = f"runtime-{os.getpid()}@{socket.gethostname()}"
    port = _free_port()
    logs = {part: tmp_path / f"{part}.log" for part in ("worker", "beat", "web")}
    with contextlib.ExitStack() as stack:
        # The processes of docker-compose.yml, started together (they start slowly).
        worker = _start(
            stack,
            venv,
            [*WORKER.split(), name],
            env,
            logs["worker"],
        )
        beat = _start(
            stack,
            venv,
            [*BEAT.split(), str(tmp_path / "celerybeat-schedule")],
            env,
            logs["beat"],
        )
        web = _start(
            stack,
            venv,
            [*WEB.split(), f"127.0.0.1:{port}"],
            env,
            logs["web"],
        )

        # Meanwhile: every project module, every library it imports (lazily or
        # not), the backends the settings name, then Django's deployment checks.
        _run(venv, ["python", "tests/deploy/runtime_imports.py"], env)

        # The worker answers a ping.
        _wait_for_line(worker, logs["worker"], " ready.")
        replies = celery_app.control.ping(destination=[name], timeout=10)
        assert replies == [{name: {"ok": "pong"}}], logs["worker"].read_text()[-6000:]

        # The web answers /healthz with every check up (the broker check loads the
        # same Redis transport the worker needs).
        status, body = _healthz(web, port, logs["web"])
        assert status == 200, (body, logs["web"].read_text()[-4000:])
        assert body["down"] == []
        assert set(body["checks"]) == {"database", "cache", "broker", "search"}

        # beat started and is still running (it dies when it cannot reach the broker).
        _wait_for_line(beat, logs["beat"], "beat: Starting...")
        assert beat.poll() is None, logs["beat"].read_text()[-6000:]


@pytest.mark.django_db
def test_requirements_txt_alone_runs_worker_beat_and_web_in_production(
    settings, tmp_path
):
    venv = build_runtime_venv()
    from config.celery import app as celery_app

    try:
        check_runtime(venv, production_env(settings, tmp_path), tmp_path)
    finally:
        celery_app.control.purge()  # anything beat queued for this Redis database
