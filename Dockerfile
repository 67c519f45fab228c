# syntax=docker/dockerfile:1
#
# TechMatch production image: one image for the web (gunicorn), worker and beat
# (Celery) services of docker-compose.yml. See the README, "Deploying with Docker
# Compose".

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- Stage 1: install the pinned Python dependencies into a virtualenv ----------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

# Only requirements.txt first, so that code changes do not reinstall dependencies.
# Every dependency ships wheels (psycopg[binary] bundles libpq), so no compiler.
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

# --- Stage 2: the runtime image ---------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PATH="/opt/venv/bin:${PATH}" \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    WEB_CONCURRENCY=3

# Unprivileged user that runs every process. Its home holds gunicorn's control
# socket; /app/media (the media volume) is the only project directory it can write.
RUN groupadd --gid 1000 app \
 && useradd --uid 1000 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY . /app

# Build-time steps use config.settings.build: production settings refuse to load
# without their environment variables, and neither step needs a service.
#  - compile_translations: locale/*.po -> .mo with polib (no gettext needed)
#  - collectstatic: into /app/staticfiles, hashed and compressed for WhiteNoise
# sed strips CR line endings a Windows checkout may have put in the entrypoint.
RUN sed -i 's/\r$//' /app/docker/entrypoint.sh \
 && chmod 0755 /app/docker/entrypoint.sh \
 && DJANGO_SETTINGS_MODULE=config.settings.build python manage.py compile_translations \
 && DJANGO_SETTINGS_MODULE=config.settings.build python manage.py collectstatic --noinput \
 && mkdir -p /app/media \
 && chown app:app /app/media

USER app

EXPOSE 8000

# /healthz checks the database, cache, broker and search backend. The probe sends
# a Host header taken from ALLOWED_HOSTS (the first concrete entry), because
# Django answers 400 to a Host it does not allow; /healthz is exempt from the
# HTTPS redirect, so plain HTTP is fine.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; hosts = [h.strip().lstrip('.') for h in os.environ.get('ALLOWED_HOSTS', '').split(',')]; host = next((h for h in hosts if h and h != '*'), 'localhost'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=10)"]

# Waits for the database; runs migrations only when RUN_MIGRATIONS=1 (the web
# service in docker-compose.yml); then execs the command.
ENTRYPOINT ["/app/docker/entrypoint.sh"]

# gunicorn reads its worker count from WEB_CONCURRENCY (default 3, set above); each
# worker serves 4 requests at once in threads (pages wait on PostgreSQL, Redis and
# Elasticsearch more than they compute). --preload loads the application, with jieba's
# dictionary (config/wsgi.py), once in the master. Workers are recycled after about
# 10,000 requests: a safety net (no growth was measured), rare enough that the second a
# restart costs does not show in the latency. bench/ measures this same shape.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", \
     "--threads", "4", \
     "--preload", \
     "--access-logfile", "-", \
     "--error-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm", \
     "--max-requests", "10000", \
     "--max-requests-jitter", "1000"]
