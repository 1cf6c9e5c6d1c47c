import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.crypto import salted_hmac

from summit.models import PlanningGroup, StaffRole, Summit
from summit.services import create_staff
from summit.views import staff_landing_url


def demo_password(email):
    """The same password for this demo account on every run (re-running `make demo` keeps the
    sign-ins it printed before), derived from SECRET_KEY: demo only."""
    digest = salted_hmac("summit.demo_logins", email).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


class Command(BaseCommand):
    help = "Demo only: create a planner, a facilitator and a volunteer who can sign in, and print how."

    def add_arguments(self, parser):
        parser.add_argument("--summit", default="demo", metavar="SLUG")

    def handle(self, *args, summit, **options):
        if not settings.DEBUG:
            raise CommandError("demo_logins prints passwords and only runs with DEBUG=1.")
        summit_obj = Summit.objects.filter(slug=summit).first()
        if summit_obj is None:
            raise CommandError(f"No summit {summit!r}; run seed_demo first.")
        group = PlanningGroup.objects.filter(summit=summit_obj).order_by("position", "name").first()
        roles = [(StaffRole.Role.PLANNER, None), (StaffRole.Role.VOLUNTEER, None)]
        if group is not None:
            roles.insert(1, (StaffRole.Role.FACILITATOR, group.slug))
        lines = []
        for role, group_slug in roles:
            email = f"{role}@{summit}.example.org"
            user, token = create_staff(email=email, summit=summit_obj, role=role, group_slug=group_slug)
            password = demo_password(email)
            user.set_password(password)
            user.save(update_fields=["password"])
            lines.append(
                f"  {role:<11} {email}  password: {password}  lands on {staff_landing_url(user)}  "
                f"API token: {token}"
            )
        self.stdout.write(f"Demo sign-ins, at {settings.SITE_URL}{reverse('login')}:")
        self.stdout.write("\n".join(lines))
        self.stdout.write(
            f"  The planner also uses /admin/, /summits/{summit}/badges/ and /summits/{summit}/reports/. "
            f"A door volunteer's phone can sign in with a door link instead: manage.py door_link {summit}."
        )
