"""python manage.py phones_to_fix — list stored phone numbers that are not E.164 yet.

These are the numbers that could not be read when numbers became data (no country code and no
known country, or not a valid number of their country). Each line gives what a steward needs to
correct one: the phone's id, the number as stored, whose number it is, the country it was read
with and the admin page to edit it. `--normalise` tries again (after an owner's country was set).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from services import phones
from services.models import Phone


class Command(BaseCommand):
    help = "List phone numbers that are not stored as E.164, with where to fix each one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--normalise",
            action="store_true",
            help="Try to read them again first (after their owner's country was set).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["normalise"]:
            changed, _unreadable = phones.normalise_stored(Phone)
            self.stdout.write(f"{changed} numbers normalised.")
        rows = Phone.objects.exclude(number__regex=phones.E164_PATTERN).select_related(
            "service", "location", "organization"
        )
        count = 0
        for phone in rows.order_by("pk").iterator(chunk_size=500):
            count += 1
            owner = phone.service or phone.location or phone.organization or phone.contact_id
            country = phones.owner_country(phone) or "??"
            url = reverse("admin:services_phone_change", args=[phone.pk])
            self.stdout.write(f"{phone.pk}\t{phone.number}\t{country}\t{owner}\t{url}")
        self.stdout.write(
            f"{count} numbers to fix." if count else "Every phone number is stored as E.164."
        )
