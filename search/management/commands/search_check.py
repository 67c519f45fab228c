"""Report search documents that differ from the database, and repair them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.backends import SearchUnavailable
from search.documents import INDEXES
from search.reindex import check, reindex, repair
from search.sync import drain_all


class Command(BaseCommand):
    help = (
        "Compare each index with the database (missing, stale and extra documents) "
        "and find an alias standing for more than one index (every result twice); "
        "with --repair, reindex the differing listings through the outbox, or "
        "rebuild the kind into one new index when its alias is doubled."
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
            if report.doubled:
                self.stdout.write(
                    f"  doubled: the alias reads {len(report.indices)} indices, "
                    f"so searches find documents more than once: "
                    f"{', '.join(report.indices)}"
                )
            if options["repair"] and report.doubled:
                # A fresh index from the database, swapped in for all of them in one
                # atomic alias update; this also mends missing and stale documents.
                try:
                    rebuilt = reindex(kind)
                except SearchUnavailable as error:
                    raise CommandError(f"{kind}: {error}") from error
                self.stdout.write(
                    f"  repaired: rebuilt {rebuilt['documents']} documents into "
                    f"{rebuilt['index']}; removed {', '.join(rebuilt['replaced'])}"
                )
            elif options["repair"] and report.problems:
                queued = repair(report)
                totals = drain_all()
                self.stdout.write(
                    f"  repaired: queued {queued}, sent {totals['sent']}, "
                    f"failed {totals['failed']}"
                )
        if problems and not options["repair"]:
            raise CommandError(f"{problems} problems found; run with --repair")
