import time
from typing import Any

from django.core.management.base import BaseCommand

from services.data.demo import load_demo


class Command(BaseCommand):
    help = "Loads the fictional demo directory (regions, taxonomy, ~350 services); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        created = load_demo()
        new = sum(v for k, v in created.items() if k != "total_services")
        self.stdout.write(
            f"Demo directory: {created['total_services']} services; {new} rows created "
            f"in {time.monotonic() - started:.1f} s."
        )
