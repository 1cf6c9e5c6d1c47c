from django.core.management.base import BaseCommand, CommandError

from summit.errors import DomainError
from summit.models import Summit
from workshops.purge import purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymize a summit's attendees: names, contacts, needs and answers are emptied, badge codes "
        "and private links stop working, check-ins and generated files are deleted, stored reports are "
        "rebuilt without attendees' organizations. Aggregate figures stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--force", action="store_true", help="purge even though the summit has not ended")

    def handle(self, *args, slug, force, **options):
        summit = Summit.objects.filter(slug=slug).first()
        if summit is None:
            raise CommandError(f"No summit with slug {slug!r}.")
        try:
            counts = purge_personal_data(summit, force=force)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Purged {summit.slug}: {counts['registrations']} registrations anonymized, "
            f"{counts['check_ins']} check-ins and {counts['files']} generated files deleted, "
            f"{counts['reports']} reports rebuilt without attendees' organizations."
        )
