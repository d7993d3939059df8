from django.core.management.base import BaseCommand

from alerts import schedule


class Command(BaseCommand):
    help = (
        "Put the email alerts' recurring tasks in the queue (the daily digest and the sweep "
        "that resumes interrupted mailings) unless they are waiting there already. Safe to "
        "run at every deployment and every start."
    )

    def handle(self, *args, **options):
        digest = schedule.digest_enqueue()
        sweep = schedule.sweep_enqueue()
        self.stdout.write(
            f"digest: {'enqueued' if digest else 'already queued'}; "
            f"sweep: {'enqueued' if sweep else 'already queued'}"
        )
