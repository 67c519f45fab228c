#!/bin/sh
# Entrypoint of the TechMatch image, shared by the web, worker and beat services.
#
#  1. Waits until the database accepts connections (Django's own connection, so
#     DATABASE_URL is parsed exactly as the application parses it).
#  2. Runs `manage.py migrate --noinput` only when RUN_MIGRATIONS=1. docker-compose.yml
#     sets it on the web service alone, so migrations run once per deploy and the
#     worker and beat never race the web service for them.
#  3. Replaces itself with the command (gunicorn, celery, manage.py ...).
#
# DB_WAIT_TIMEOUT (seconds, default 60) bounds the wait in step 1.
set -eu

python - <<'PY'
import os
import sys
import time

import django

django.setup()

from django.db import connections
from django.db.utils import OperationalError

timeout = float(os.environ.get("DB_WAIT_TIMEOUT") or 60)
deadline = time.monotonic() + timeout
connection = connections["default"]
attempt = 0
while True:
    attempt += 1
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        if time.monotonic() >= deadline:
            print(
                f"entrypoint: database still unavailable after {timeout:.0f}s: {exc}",
                file=sys.stderr,
            )
            sys.exit(1)
        print(f"entrypoint: waiting for the database (attempt {attempt}): {exc}", file=sys.stderr)
        time.sleep(2)
    else:
        connection.close()
        print("entrypoint: database is available", file=sys.stderr)
        break
PY

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    echo "entrypoint: applying database migrations" >&2
    python manage.py migrate --noinput
fi

exec "$@"
