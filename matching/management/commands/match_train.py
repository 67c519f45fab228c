"""Train the catalogue's embedding model and make it active."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from matching.services.training import train_model


class Command(BaseCommand):
    help = (
        "Train the matcher's text embedding (LSA) on the published catalogue, or embed "
        "it with the ONNX model MATCHING_EMBEDDER names."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dimensions", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        model = train_model(dimensions=options["dimensions"])
        self.stdout.write(
            f"model {model.version}: {model.documents} listings, "
            f"{model.dimensions} dimensions, {model.seconds:.1f} s"
        )
