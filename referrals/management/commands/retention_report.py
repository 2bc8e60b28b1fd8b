from django.core.management.base import BaseCommand

from referrals.retention import report


class Command(BaseCommand):
    help = "Says what referral data is held and when each part goes."

    def handle(self, *args, **options) -> None:
        for line in report():
            self.stdout.write(f"{line.part:<45} {line.held:>8}  {line.goes}")
