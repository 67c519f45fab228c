"""Report search documents that differ from the database, and repair them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.backends import SearchUnavailable
from search.documents import INDEXES
from search.reindex import check, repair
from search.sync import drain_all


class Command(BaseCommand):
    help = (
        "Compare each index with the database (missing, stale and extra documents); "
        "with --repair, reindex the differing listings through the outbox."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repair", action="store_true")
        parser.add_argument("--kind", choices=sorted(INDEXES), action="append")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        for kind in options["kind"] or list(INDEXES):
            try:
                report = check(kind)
            except SearchUnavailable as error:
                raise CommandError(f"{kind}: {error}") from error
            problems += report.problems
            self.stdout.write(
                f"{kind}: {report.expected} published, {report.stored} indexed; "
                f"missing {len(report.missing)}, stale {len(report.stale)}, "
                f"extra {len(report.extra)}"
            )
            for name in ("missing", "stale", "extra"):
                ids = getattr(report, name)
                if ids:
                    shown = ", ".join(map(str, ids[:20]))
                    more = f" … (+{len(ids) - 20})" if len(ids) > 20 else ""
                    self.stdout.write(f"  {name}: {shown}{more}")
            if options["repair"] and report.problems:
                queued = repair(report)
                totals = drain_all()
                self.stdout.write(
                    f"  repaired: queued {queued}, sent {totals['sent']}, "
                    f"failed {totals['failed']}"
                )
        if problems and not options["repair"]:
            raise CommandError(f"{problems} documents differ; run with --repair")
