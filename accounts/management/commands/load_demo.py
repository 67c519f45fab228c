"""Load the demo organisations, users and catalogue (idempotent); refuses production settings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, USERS, load_demo


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Hold back a logger's INFO lines (Wagtail logs every one of the demo's revisions)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Create demo organisations, users of every role, research outcomes and "
        "technology demands (local use only)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts with a published password even on production settings.",
        )
        parser.add_argument(
            "--people-only",
            action="store_true",
            help="Only organisations and users, no outcomes or demands.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo accounts with a published password on production "
                "settings; pass --allow-production if this server is private."
            )
        with _quiet("wagtail"):
            counts = load_demo(catalogue=not options["people_only"])
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {organisations} new organisation(s), {users} new user(s), "
                "{memberships} new membership(s), {outcomes} new research outcome(s), "
                "{demands} new technology demand(s), {images} new image(s), "
                "{challenges} new challenge(s) with {applications} application(s).".format(
                    **counts
                )
            )
        )
        if counts["deadlines_refreshed"]:
            self.stdout.write(
                "{deadlines_refreshed} demand deadline(s) had passed and were moved "
                "forward.".format(**counts)
            )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for spec in USERS:
            self.stdout.write(f"  {spec.role:<14} {spec.email:<30} {spec.display_name}")
