from django.core.management.base import BaseCommand, CommandError

from summit import audit
from summit.errors import DomainError
from summit.models import StaffRole, Summit
from summit.services import create_staff


class Command(BaseCommand):
    help = "Create or update a staff account for a summit and print its API token on the last line."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--summit", required=True, metavar="SLUG")
        parser.add_argument("--role", required=True, choices=StaffRole.Role.values)
        parser.add_argument("--group", metavar="SLUG", help="the planning group (facilitators only)")
        parser.add_argument("--password", help="also set a password for signing in to the web pages")

    def handle(self, *args, email, summit, role, group, password, **options):
        summit_obj = Summit.objects.filter(slug=summit).first()
        if summit_obj is None:
            raise CommandError(f"No summit with slug {summit!r}.")
        try:
            user, token = create_staff(email=email, summit=summit_obj, role=role, group_slug=group)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        audit.record(
            action="summit.staff_role_grant",
            summit=summit_obj,
            count=1,
            detail=f"{role}{f' of group {group}' if group else ''} to account {user.pk} (create_staff)",
        )
        self.stderr.write(f"{user.email}: {role} at {summit_obj.slug}" + (f" ({group})" if group else ""))
        self.stdout.write(token)
