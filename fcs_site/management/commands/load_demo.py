import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from committees import demo as committees_demo
from fcs_site import demo as site_demo
from news import demo as news_demo

DEMO_USERNAME = "demo"
DEMO_ROLE_USERS = [("demo-author", "Author"), ("demo-editor", "Editor")]


class Command(BaseCommand):
    help = (
        "Load the demo content (idempotent: a second run writes nothing). With --demo-user, "
        "also create a local superuser whose password is kept in var/demo-password.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-user",
            action="store_true",
            help="Create the local-only admin account 'demo' (refused when DEBUG is off).",
        )

    def handle(self, *args, demo_user=False, **options):
        written = committees_demo.load()
        written.update(news_demo.load())
        written["article links"] = news_demo.link_committees()
        written.update(site_demo.load())
        summary = ", ".join(f"{name}: {count}" for name, count in written.items())
        self.stdout.write(f"Demo content loaded (rows written — {summary}).")
        if demo_user:
            self.ensure_demo_user()

    def ensure_demo_user(self):
        if not settings.DEBUG:
            raise CommandError(
                "The demo account is only for a local run with DJANGO_DEBUG=1; "
                "create real accounts with `manage.py createsuperuser`."
            )
        password_file = settings.BASE_DIR / "var" / "demo-password.txt"
        password_file.parent.mkdir(parents=True, exist_ok=True)
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = user_model.objects.create_superuser(DEMO_USERNAME, "", password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/ — user “{DEMO_USERNAME}”, "
            f"password “{password}” (local demo account; also in {password_file})."
        )
        self.ensure_role_users(password)

    def ensure_role_users(self, password):
        """An Author and an Editor with the demo password, to try the editorial workflow."""
        from django.contrib.auth.models import Group

        user_model = get_user_model()
        for username, role in DEMO_ROLE_USERS:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model.objects.create_user(username, "", password, is_staff=True)
            elif not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            group = Group.objects.filter(name=role).first()
            if group is not None:
                user.groups.add(group)
        names = ", ".join(f"“{username}” ({role})" for username, role in DEMO_ROLE_USERS)
        self.stdout.write(f"Workflow accounts with the same password: {names}.")
