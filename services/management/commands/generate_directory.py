from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from services.data.synthetic import generate


class Command(BaseCommand):
    help = (
        "Adds a synthetic directory for benchmarks through COPY (needs regions and the taxonomy: "
        "run load_demo first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        timings = generate(options["services"], options["seed"], log=self.stdout.write)
        self.stdout.write(f"Generated {options['services']} services: {timings}")
