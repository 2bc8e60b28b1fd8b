from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from services.data.regions import DEFAULT_COUNTRIES, load_regions


class Command(BaseCommand):
    help = (
        "Loads countries, ISO 3166-2 subdivisions, towns and US ZIP codes from offline data "
        "(idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--countries",
            default=",".join(DEFAULT_COUNTRIES),
            help="ISO 3166-1 alpha-2 codes, comma-separated.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        countries = tuple(c.strip().upper() for c in options["countries"].split(",") if c.strip())
        created = load_regions(countries)
        self.stdout.write(
            f"Regions: {created['countries']} countries, {created['subdivisions']} subdivisions, "
            f"{created['municipalities']} towns, {created['postal_codes']} postal codes created "
            f"in {created['seconds']} s."
        )
