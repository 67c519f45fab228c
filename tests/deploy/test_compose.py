"""The Docker Compose deployment: docker-compose.yml, Dockerfile, entrypoint, .env.example.

Docker does not run where this suite runs, so these tests read the files the way
Compose and the Docker builder would and check what a user would otherwise find out
only when `docker compose up` fails: a missing service or volume, an application
container that starts before its database, a healthcheck that can never pass, a
variable in .env.example that nothing reads. No database is used.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"

BACKING_SERVICES = ("postgres", "redis", "elasticsearch")
APP_SERVICES = ("web", "worker", "beat")
# Celery processes serve no HTTP: their healthcheck is disabled explicitly, because
# otherwise they would inherit the image's HEALTHCHECK, which probes gunicorn.
NO_HEALTHCHECK_SERVICES = ("worker", "beat")
VOLUMES = {"pgdata", "redisdata", "esdata", "media"}

# The production environment variables, exactly as config/settings/production.py
# and config/env.py name them, plus two that only the deployment files read.
PRODUCTION_VARIABLES = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "BASE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SEARCH_BACKEND",
    "ELASTICSEARCH_URL",
    "SEARCH_INDEX_PREFIX",
    "SEARCH_INDEX_REPLICAS",
    "MATCHING_RERANKER_MIN_DECISIONS",
    "MATCHING_EMBEDDER",
    "MATCHING_EXTRA_CORPUS",
    "TECHMATCH_ZONE_REGION_CODES",
    "NOTIFICATION_DIGEST_HOUR",
    "SAVED_SEARCHES_PER_USER",
    "EMAIL_HOST",
    "SERVICE_DESK_EMAIL",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "THROTTLE_LOGIN_ACCOUNT",
    "THROTTLE_LOGIN_IP",
    "THROTTLE_ACCOUNT_MAIL_ADDRESS",
    "THROTTLE_ACCOUNT_MAIL_IP",
    "THROTTLE_MESSAGES_ACCOUNT",
    "THROTTLE_MESSAGES_IP",
    "THROTTLE_API_ANON",
    "THROTTLE_API_USER",
    "THROTTLE_DUPLICATE_WINDOW",
    "TRUSTED_PROXY_COUNT",
    "SERVE_IMAGE_RENDITIONS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "LOG_LEVEL",
    "WEB_CONCURRENCY",
    "POSTGRES_PASSWORD",
}
# Read by the deployment, not by Django settings: name -> the file that reads it.
DEPLOYMENT_ONLY_VARIABLES = {
    "POSTGRES_PASSWORD": COMPOSE_FILE,  # the postgres service and DATABASE_URL
    "WEB_CONCURRENCY": DOCKERFILE,  # gunicorn reads it itself; the image sets the default
}

# `NAME=value` or a commented-out `#NAME=value` (an optional variable shown with an
# example value). Prose comments never start with an upper-case NAME followed by "=".
_ENV_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


def load_compose() -> dict:
    with COMPOSE_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), "docker-compose.yml is not a YAML mapping"
    return data


def services() -> dict:
    return load_compose()["services"]


def env_example() -> dict[str, str]:
    """Every variable .env.example names (set or commented out) -> its example value."""
    names: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = _ENV_LINE.match(line.strip())
        if match:
            names[match.group(1)] = match.group(2)
    return names


def env_example_assignments() -> list[str]:
    """The lines of .env.example that really set a variable (not comments, not blank)."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return [
        line for line in lines if line.strip() and not line.lstrip().startswith("#")
    ]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):  # Docker drops these, even mid-instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "Dockerfile ends inside a continued line"
    return instructions


def dockerfile_args(keyword: str) -> list[str]:
    return [rest for kw, rest in dockerfile_instructions() if kw == keyword]


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def env_files_of(service: dict) -> list[str]:
    env_file = service.get("env_file")
    if env_file is None:
        return []
    if isinstance(env_file, (str, dict)):
        env_file = [env_file]
    return [item["path"] if isinstance(item, dict) else item for item in env_file]


# --- docker-compose.yml ---------------------------------------------------------------


def test_compose_file_parses_without_obsolete_version_key():
    data = load_compose()
    assert "version" not in data, "the top-level `version:` key is obsolete in Compose"
    assert isinstance(data.get("services"), dict)


def test_compose_defines_every_service():
    assert set(services()) == set(BACKING_SERVICES) | set(APP_SERVICES)


def test_every_service_restarts_unless_stopped():
    for name, service in services().items():
        assert service.get("restart") == "unless-stopped", name


def test_app_services_wait_for_healthy_backing_services():
    for name in APP_SERVICES:
        depends_on = services()[name].get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on must use conditions"
        for backing in BACKING_SERVICES:
            assert depends_on.get(backing) == {"condition": "service_healthy"}, (
                f"{name} must wait for {backing} to be healthy"
            )


def test_app_services_share_one_image_built_from_the_dockerfile():
    images = set()
    for name in APP_SERVICES:
        service = services()[name]
        build = service.get("build")
        context = build.get("context") if isinstance(build, dict) else build
        assert context == ".", f"{name} must be built from the repository root"
        images.add(service.get("image"))
    assert len(images) == 1 and None not in images, "web, worker and beat run one image"


def test_backing_services_and_web_have_healthchecks():
    for name in (*BACKING_SERVICES, "web"):
        healthcheck = services()[name].get("healthcheck") or {}
        test = healthcheck.get("test")
        assert test and not healthcheck.get("disable"), f"{name} needs a healthcheck"
        assert test[0] in ("CMD", "CMD-SHELL"), name


def test_celery_services_disable_the_inherited_healthcheck():
    for name in NO_HEALTHCHECK_SERVICES:
        healthcheck = services()[name].get("healthcheck")
        assert healthcheck == {"disable": True}, (
            f"{name} would inherit the image's HTTP healthcheck and always be unhealthy"
        )


def test_backing_service_healthchecks_probe_the_right_thing():
    tests = {
        name: " ".join(services()[name]["healthcheck"]["test"])
        for name in BACKING_SERVICES
    }
    assert "pg_isready" in tests["postgres"]
    assert "redis-cli ping" in tests["redis"]
    assert "_cluster/health" in tests["elasticsearch"]
    assert "wait_for_status=yellow" in tests["elasticsearch"]


def test_web_healthcheck_is_the_image_healthcheck_on_healthz():
    compose_test = services()["web"]["healthcheck"]["test"]
    assert compose_test[0] == "CMD"
    (healthcheck,) = dockerfile_args("HEALTHCHECK")
    image_test = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert compose_test[1:] == image_test
    probe = " ".join(image_test)
    assert "urllib.request" in probe
    assert "http://127.0.0.1:8000/healthz" in probe
    # Django answers 400 to a Host that ALLOWED_HOSTS does not list.
    assert "ALLOWED_HOSTS" in probe and "'Host'" in probe


def test_healthz_is_routed():
    assert re.search(
        r"""path\(\s*["']healthz["']""", (ROOT / "config" / "urls.py").read_text()
    )


def test_app_services_get_env_file_and_service_urls():
    for name in APP_SERVICES:
        service = services()[name]
        assert env_files_of(service) == [".env"], name
        env = environment_of(service)
        assert env.get("DATABASE_URL", "").startswith("postgres://techmatch:"), name
        assert env["DATABASE_URL"].endswith("@postgres:5432/techmatch"), name
        assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"], name
        assert env.get("REDIS_URL") == "redis://redis:6379/0", name
        assert env.get("ELASTICSEARCH_URL") == "http://elasticsearch:9200", name


def test_postgres_uses_the_password_and_names_of_database_url():
    env = environment_of(services()["postgres"])
    assert env.get("POSTGRES_USER") == "techmatch"
    assert env.get("POSTGRES_DB") == "techmatch"
    assert env.get("POSTGRES_PASSWORD", "").startswith("${POSTGRES_PASSWORD")


def test_backing_services_get_no_application_secrets():
    for name in BACKING_SERVICES:
        assert not env_files_of(services()[name]), f"{name} must not receive .env"


def test_only_web_runs_migrations():
    assert environment_of(services()["web"]).get("RUN_MIGRATIONS") == "1"
    for name in ("worker", "beat"):
        assert environment_of(services()[name]).get("RUN_MIGRATIONS", "0") == "0", name


def test_web_publishes_port_8000_and_only_web_publishes():
    assert services()["web"].get("ports") == ["8000:8000"]
    for name in (*BACKING_SERVICES, "worker", "beat"):
        assert not services()[name].get("ports"), f"{name} must not be published"


def test_celery_commands():
    worker = services()["worker"]["command"]
    beat = services()["beat"]["command"]
    worker = shlex.split(worker) if isinstance(worker, str) else worker
    beat = shlex.split(beat) if isinstance(beat, str) else beat
    assert worker[:4] == ["celery", "-A", "config", "worker"]
    assert "--concurrency" in worker
    assert beat[:4] == ["celery", "-A", "config", "beat"]
    # The image's user cannot write /app: the schedule file lives in /tmp.
    assert beat[beat.index("--schedule") + 1].startswith("/tmp/")


def test_named_volumes_are_declared_and_mounted():
    data = load_compose()
    assert set(data.get("volumes") or {}) == VOLUMES
    used = set()
    for name, service in data["services"].items():
        for volume in service.get("volumes") or []:
            source = (
                volume.split(":", 1)[0] if isinstance(volume, str) else volume["source"]
            )
            assert source in VOLUMES, f"{name} mounts undeclared volume {source!r}"
            used.add(source)
    assert used == VOLUMES
    assert "pgdata:/var/lib/postgresql/data" in services()["postgres"]["volumes"]
    assert "redisdata:/data" in services()["redis"]["volumes"]
    assert (
        "esdata:/usr/share/elasticsearch/data" in services()["elasticsearch"]["volumes"]
    )
    assert "media:/app/media" in services()["web"]["volumes"]


def test_redis_persists_with_append_only_file():
    command = services()["redis"]["command"]
    command = shlex.split(command) if isinstance(command, str) else command
    assert command[command.index("--appendonly") + 1] == "yes"


def test_elasticsearch_single_node_matches_the_tested_version():
    service = services()["elasticsearch"]
    image, _, tag = service["image"].rpartition(":")
    assert image == "docker.elastic.co/elasticsearch/elasticsearch"
    tested = re.search(
        r"^readonly ES_VERSION=(\S+)$",
        (ROOT / "scripts" / "services.sh").read_text(),
        re.M,
    )
    assert tested, "scripts/services.sh no longer names ES_VERSION"
    assert tag == tested.group(1), (
        "compose must run the Elasticsearch the tests run against"
    )
    env = environment_of(service)
    assert env.get("discovery.type") == "single-node"
    assert env.get("xpack.security.enabled") == "false"
    assert env.get("ES_JAVA_OPTS") == "-Xms1g -Xmx1g"
    ulimits = service["ulimits"]
    assert ulimits["memlock"] == {"soft": -1, "hard": -1}
    assert ulimits["nofile"]["soft"] >= 65536


# --- .env.example ----------------------------------------------------------------


def test_env_example_lists_every_production_variable():
    assert set(env_example()) == PRODUCTION_VARIABLES


def test_env_example_variables_are_read_by_the_settings():
    sources = [
        *sorted((ROOT / "config" / "settings").glob("*.py")),
        ROOT / "config" / "env.py",
    ]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    for name in env_example():
        if name in DEPLOYMENT_ONLY_VARIABLES:
            reader = DEPLOYMENT_ONLY_VARIABLES[name]
            assert name in reader.read_text(encoding="utf-8"), (
                f"{reader.name} must read {name}"
            )
        else:
            assert f'"{name}"' in text or f"'{name}'" in text, (
                f".env.example lists {name}, which no settings module reads"
            )


def test_env_example_lines_are_valid_for_compose():
    for line in env_example_assignments():
        match = _ENV_LINE.match(line)
        assert match and not line.startswith("#"), f"not a NAME=value line: {line!r}"
        value = match.group(2)
        assert " =" not in line and "= " not in line, line
        assert not value.startswith(("'", '"')), (
            f"quotes become part of the value: {line!r}"
        )
        assert "$" not in value, f"Compose would expand '$' in: {line!r}"


def test_env_example_secret_key_placeholder_cannot_start_production():
    # production.py refuses a SECRET_KEY under 50 characters: forgetting to change
    # the placeholder stops the deployment instead of running with a public key.
    assert len(env_example()["SECRET_KEY"]) < 50


def test_env_example_postgres_password_is_safe_in_a_url():
    assert re.fullmatch(r"[A-Za-z0-9_-]+", env_example()["POSTGRES_PASSWORD"])


# --- Dockerfile, entrypoint, .dockerignore -----------------------------------------


def test_dockerfile_base_image_user_and_settings():
    froms = dockerfile_args("FROM")
    assert froms, "Dockerfile has no FROM"
    args = " ".join(dockerfile_args("ARG"))
    assert "python:3.11-slim-bookworm" in args or all(
        "python:3.11-slim-bookworm" in line for line in froms
    )
    assert dockerfile_args("USER") == ["app"]
    env = " ".join(dockerfile_args("ENV"))
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in env
    assert "WEB_CONCURRENCY=3" in env
    assert dockerfile_args("EXPOSE") == ["8000"]


def test_dockerfile_build_steps_have_what_they_need():
    run = " ".join(dockerfile_args("RUN"))
    assert "pip install -r /tmp/requirements.txt" in run
    assert (
        "DJANGO_SETTINGS_MODULE=config.settings.build python manage.py compile_translations"
        in run
    )
    assert (
        "DJANGO_SETTINGS_MODULE=config.settings.build python manage.py collectstatic --noinput"
        in run
    )
    assert (ROOT / "requirements.txt").is_file()
    assert (ROOT / "manage.py").is_file()
    assert (ROOT / "config" / "settings" / "build.py").is_file()
    commands = list(ROOT.glob("*/management/commands/compile_translations.py"))
    assert commands, "the image build runs `manage.py compile_translations`"


def test_requirements_pin_what_the_image_runs():
    pinned = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*==\s*\S+", line)
        if match:
            pinned[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = (
                match.group(2) or ""
            )
    for name in ("gunicorn", "whitenoise", "celery", "dj-database-url", "psycopg"):
        assert name in pinned, f"requirements.txt must pin {name}"
    assert "binary" in pinned["psycopg"] or "psycopg-binary" in pinned


def test_dockerfile_runs_gunicorn_behind_the_entrypoint():
    (entrypoint,) = dockerfile_args("ENTRYPOINT")
    assert json.loads(entrypoint) == ["/app/docker/entrypoint.sh"]
    (cmd,) = dockerfile_args("CMD")
    cmd = json.loads(cmd)
    assert cmd[:2] == ["gunicorn", "config.wsgi:application"]
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
    assert cmd[cmd.index("--access-logfile") + 1] == "-"
    assert "--workers" not in cmd and "-w" not in cmd, (
        "workers come from WEB_CONCURRENCY"
    )


def test_entrypoint_is_an_executable_valid_shell_script():
    assert ENTRYPOINT.is_file()
    assert os.access(ENTRYPOINT, os.X_OK), "docker/entrypoint.sh must be executable"
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert "\r" not in text
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True)


def test_entrypoint_waits_for_the_database_and_migrates_only_on_request():
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert "ensure_connection()" in text
    assert re.search(
        r'if \[ "\$\{RUN_MIGRATIONS:-0\}" = "1" \]; then\s+[^\n]*\n\s+python manage.py migrate --noinput',
        text,
    )
    assert text.rstrip().endswith('exec "$@"')


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for pattern in (
        ".env",
        ".git",
        ".venv",
        "var",
        "media",
        "node_modules",
        "**/*.py[cod]",
    ):
        assert pattern in patterns, f".dockerignore must exclude {pattern}"
    for needed in (
        "requirements.txt",
        "docker",
        "manage.py",
        "config",
        "locale",
        "static",
    ):
        assert needed not in patterns, f".dockerignore must not exclude {needed}"


def test_dockerfile_installs_the_runtime_requirements_alone():
    # requirements-dev.txt hides runtime dependencies that only a test tool pulls in
    # (packaging, for kombu's Redis transport): the image must install exactly what
    # tests/deploy/test_runtime_requirements.py installs into its clean virtualenv.
    assert "requirements-dev" not in DOCKERFILE.read_text(encoding="utf-8")
    pip_installs = [
        rest for rest in dockerfile_args("RUN") if re.search(r"\bpip install\b", rest)
    ]
    assert pip_installs == ["pip install -r /tmp/requirements.txt"]
    assert "requirements.txt /tmp/requirements.txt" in dockerfile_args("COPY")
