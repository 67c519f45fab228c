"""Export outcomes or demands to CSV or XLSX in the column set import_listings reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from market.imports.exporter import FORMATS, export_listings, filtered_listings
from market.imports.values import CellError, Reference
from market.models import ListingKind, ListingStatus


class Command(BaseCommand):
    help = (
        "Export outcomes or demands, optionally filtered, to a CSV (UTF-8 with BOM) or "
        "XLSX file that import_listings reads back unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=ListingKind.values)
        parser.add_argument("--status", choices=ListingStatus.values)
        parser.add_argument("--field", help="Technology field: code or name.")
        parser.add_argument(
            "--organisation", help="Organisation: exact name or credit code."
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="Default: from the output file's extension, else xlsx.",
        )
        parser.add_argument(
            "--headers",
            choices=("zh", "en"),
            default="zh",
            help="Chinese headers (default) or English keys.",
        )
        parser.add_argument("-o", "--output", required=True, help="File to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        format = options["format"] or output.suffix.lstrip(".").lower()
        if format not in FORMATS:
            format = "xlsx"
        reference = Reference()
        try:
            field = reference.field(options["field"]) if options["field"] else None
            organisation = (
                reference.organisation(
                    options["organisation"], create=False, listing_kind=options["kind"]
                )
                if options["organisation"]
                else None
            )
        except CellError as error:
            raise CommandError(error.message) from error
        queryset = filtered_listings(
            options["kind"],
            status=options["status"],
            field=field,
            organisation=organisation,  # type: ignore[arg-type]
        )
        data = export_listings(queryset, format, headers=options["headers"])
        output.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"{queryset.count()} {options['kind']}(s) written to {output} ({format})."
            )
        )
