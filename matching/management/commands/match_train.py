"""Train the catalogue's embedding model and make it active."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from matching.services.training import CorpusError, train_model


class Command(BaseCommand):
    help = (
        "Train the matcher's text embedding (LSA) on the published catalogue, or embed "
        "it with the ONNX model MATCHING_EMBEDDER names."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dimensions", type=int, default=None)
        parser.add_argument(
            "--extra-corpus",
            default=None,
            help=(
                "A UTF-8 text file, one document a line, added to LSA's training "
                "(default: MATCHING_EXTRA_CORPUS; '' for none)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = train_model(
                dimensions=options["dimensions"], extra_corpus=options["extra_corpus"]
            )
        except CorpusError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"model {model.version}: {model.documents} documents, "
            f"{model.dimensions} dimensions, {model.seconds:.1f} s"
        )
