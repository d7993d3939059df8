from django.core.management.base import BaseCommand

from alerts import schedule


class Command(BaseCommand):
    help = (
        "Run the alerts' sweep now, in this process: resume the mailings of workers that "
        "died (once their claims have expired, FCS_ALERTS_CLAIM_SECONDS), forget expired "
        "confirmation requests, plan the emails of major updates. The queued sweep does "
        "this every five minutes by itself; this is for not waiting after a crash."
    )

    def handle(self, *args, **options):
        outcome = schedule.sweep()
        self.stdout.write(
            f"mailings resumed: {outcome['resumed']}; unconfirmed addresses forgotten: "
            f"{outcome['forgotten']}; updates planned: {outcome['updates']}"
        )
