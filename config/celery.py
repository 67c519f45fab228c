"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import logging
import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Every task of the project: queued after the commit, never failing the commit.

    ``delay_on_commit`` runs after the change is committed; if the broker is down
    then, Celery raises, and Django would hand the error to the request (a 500 for a
    change that was saved) and skip the other on-commit work. Here the failure is
    logged instead: what the task would have done is caught up by a periodic task
    (the search outbox drain, the notification email sweep) or by the user (resend
    a verification email, run an import again).
    """

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, *args: Any, **kwargs: Any) -> None:
        def send() -> None:
            try:
                self.apply_async(*args, **kwargs)
            except Exception as error:
                logger.warning("could not queue %s: %s", self.name, error)

        transaction.on_commit(send)


app = Celery("techmatch", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks in sub-packages are not found by app name alone.
app.autodiscover_tasks(["market.imports"])
