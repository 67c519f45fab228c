"""Check and import outcomes or demands from a CSV or XLSX catalogue (all rows or none,
or with ``--skip-invalid`` the good rows, the rejected ones written to a file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from market.imports.importer import import_listings
from market.models import ListingKind, ListingStatus


class Command(BaseCommand):
    help = (
        "Check a CSV or XLSX file of outcomes or demands and import it: every bad row is "
        "reported with its line and column, and a file with any problem imports nothing. "
        "Rows are matched by external ID, so importing again updates them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8 or GB18030) or .xlsx file")
        parser.add_argument("--kind", required=True, choices=ListingKind.values)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check only; save nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Submit and publish the listings (needs --user); default: draft.",
        )
        parser.add_argument(
            "--create-organisations",
            action="store_true",
            help="Create unknown organisations, unverified, instead of reporting them.",
        )
        parser.add_argument(
            "--user", metavar="EMAIL", help="Email of the user the import is made by."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=(
                "Import the good rows and write the rejected ones, with their "
                "problems, to --rejected-file (default: FILE-rejected.csv)."
            ),
        )
        parser.add_argument(
            "--rejected-file",
            metavar="PATH",
            help="Where --skip-invalid writes the rejected rows (CSV).",
        )
        defaults = parser.add_argument_group(
            "operator defaults",
            "Used where a row has no value; the public page marks them as provided "
            "by the platform.",
        )
        defaults.add_argument(
            "--default-region", metavar="REGION", help="e.g. 江苏省 苏州市 or 320500"
        )
        defaults.add_argument(
            "--default-contact-name",
            metavar="NAME",
            help="The market's service desk, for rows without any contact.",
        )
        defaults.add_argument("--default-contact-phone", metavar="PHONE")
        defaults.add_argument("--default-contact-email", metavar="EMAIL")
        defaults.add_argument(
            "--validity-days",
            type=int,
            metavar="DAYS",
            help=(
                "How long published listings stay valid; demands without a deadline "
                "get one this many days ahead."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user_id = self._user_id(options["user"])
        if options["publish"] and user_id is None:
            raise CommandError("--publish needs --user EMAIL: the reviewer on record.")
        report = import_listings(
            options["kind"],
            path,
            dry_run=options["dry_run"],
            by_user_id=user_id,
            default_status=(
                ListingStatus.PUBLISHED if options["publish"] else ListingStatus.DRAFT
            ),
            create_organisations=options["create_organisations"],
            skip_invalid=options["skip_invalid"],
            defaults={
                "region": options["default_region"],
                "contact_name": options["default_contact_name"],
                "contact_phone": options["default_contact_phone"],
                "contact_email": options["default_contact_email"],
                "valid_days": options["validity_days"],
            },
            filename=path.name,
        )
        if report.encoding == "gb18030":
            self.stdout.write("read as GB18030 (GBK) text: the file is not UTF-8")
        for line in report.error_lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.issues)} problem(s) in {path.name}; nothing was imported.",
                returncode=1,
            )
        for line in report.normalised:
            self.stdout.write(line)
        for line in report.defaults_lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.status == ListingStatus.PUBLISHED:
            self.stdout.write(f"published: {report.published}")
        for name in report.new_organisations:
            verb = "will be created" if report.dry_run else "created"
            self.stdout.write(f"organisation {verb} (unverified): {name}")
        if report.rejected_file:
            target = Path(
                options["rejected_file"] or path.with_name(f"{path.stem}-rejected.csv")
            )
            target.write_bytes(report.rejected_file)
            self.stdout.write(f"rejected rows ({report.rejected}) written to {target}")

    def _user_id(self, email: str | None) -> int | None:
        if not email:
            return None
        model = get_user_model()
        lookup = {f"{model.get_email_field_name()}__iexact": email}
        user = model.objects.filter(**lookup).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        return int(user.pk)
