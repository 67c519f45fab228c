"""Load the demo organisations and users (idempotent); refuses to run on production settings."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = (
        "Create or update demo organisations and users of every role (local use only)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts with a published password even on production settings.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo accounts with a published password on production "
                "settings; pass --allow-production if this server is private."
            )
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {organisations} new organisation(s), {users} new user(s), "
                "{memberships} new membership(s).".format(**counts)
            )
        )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for spec in USERS:
            self.stdout.write(f"  {spec.role:<14} {spec.email:<30} {spec.display_name}")
