import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from summit.models import StaffRole, Summit
from summit.services import create_staff


class Command(BaseCommand):
    help = "Demo only: create a planner and a volunteer who can sign in, and print how."

    def add_arguments(self, parser):
        parser.add_argument("--summit", default="demo", metavar="SLUG")

    def handle(self, *args, summit, **options):
        if not settings.DEBUG:
            raise CommandError("demo_logins prints passwords and only runs with DEBUG=1.")
        summit_obj = Summit.objects.filter(slug=summit).first()
        if summit_obj is None:
            raise CommandError(f"No summit {summit!r}; run seed_demo first.")
        lines = []
        for role in (StaffRole.Role.PLANNER, StaffRole.Role.VOLUNTEER):
            email = f"{role}@{summit}.example.org"
            user, token = create_staff(email=email, summit=summit_obj, role=role)
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save(update_fields=["password"])
            lines.append(f"  {role:<10} {email}  password: {password}  API token: {token}")
        self.stdout.write("Demo sign-ins:")
        self.stdout.write("\n".join(lines))
        self.stdout.write(
            f"  The planner signs in at /admin/ (and /summits/{summit}/planner/groups/, /summits/{summit}/badges/, "
            f"/summits/{summit}/reports/); the volunteer at /accounts/login/, then opens /summits/{summit}/door/ "
            f"(or give a phone a door link: manage.py door_link {summit})."
        )
