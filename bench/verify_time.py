"""The cost of the commonest write: verifying listings, one at a time, through the same function
the verify button calls (services/listings/upkeep.verify_service: the verification row, the
provenance, the save, the audit event and the refresh of the search row and public documents).

Usage (the bench database must exist; see bench/README.md):

    DATABASE_URL=postgis://postgres@127.0.0.1:PORT/enlace_bench_100000 \\
        .venv/bin/python bench/verify_time.py [--services 5000]

Verifies the first N active synthetic listings by id, as an operator (a superuser made for the
purpose, `bench-operator`), each in its own transaction as a request would be, and prints one
JSON line: wall seconds, this process's CPU seconds, per-listing milliseconds and `uptime`.
The database is changed (the listings are marked verified), as the button would change it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=5000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from services.listings.upkeep import verify_service
    from services.models import Service

    operator, _created = get_user_model().objects.get_or_create(
        username="bench-operator", defaults={"is_superuser": True, "is_staff": True}
    )
    # What OTPMiddleware leaves on a user who passed the second factor.
    operator.is_verified = lambda: True
    services = list(
        Service.objects.filter(status="active", name__endswith="(synthetic)").order_by("id")[
            : args.services
        ]
    )
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    started, cpu = time.monotonic(), time.process_time()
    for service in services:
        with transaction.atomic():
            verify_service(actor=operator, service=service, method="phone")
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu
    load_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(
        json.dumps(
            {
                "services": len(services),
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu_seconds, 1),
                "ms_per_service": round(1000 * seconds / max(1, len(services)), 1),
                "uptime_before": load_before,
                "uptime_after": load_after,
            }
        )
    )


if __name__ == "__main__":
    main()
