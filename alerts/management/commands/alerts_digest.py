from django.core.management.base import BaseCommand

from alerts import sending


class Command(BaseCommand):
    help = (
        "Send the daily digests that are due now, in this process (for a cron job instead "
        "of the queued daily task; both may run: no digest email is sent twice)."
    )

    def handle(self, *args, **options):
        outcome = sending.send_digests()
        self.stdout.write(f"digests sent: {outcome.sent}")
        if outcome.retry_at:
            self.stderr.write("The SMTP server is unavailable; run again later.")
