from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registrations.door.links import DoorLinkError, create_door_link, door_link_url, revoke_door_link
from registrations.models import DoorLink
from summit.models import Summit


class Command(BaseCommand):
    help = (
        "Create a door link that signs one device in as a volunteer for this summit (until the summit "
        "ends or the link is revoked) and print its URL alone on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--label", default="", metavar="NAME", help="e.g. 'North door, phone 2'")
        parser.add_argument(
            "--revoke",
            type=int,
            metavar="ID",
            help="revoke the link with this id instead (signs its device out)",
        )

    def handle(self, *args, slug, label, revoke, **options):
        summit = Summit.objects.filter(slug=slug).first()
        if summit is None:
            raise CommandError(f"No summit with slug {slug!r}.")
        if revoke is not None:
            link = DoorLink.objects.filter(summit=summit, pk=revoke).first()
            if link is None:
                raise CommandError(f"No door link {revoke} at {slug}.")
            revoke_door_link(link)
            self.stdout.write(f"Revoked door link {link.pk} ({link.label}).")
            return
        try:
            link, token = create_door_link(summit=summit, label=label)
        except DoorLinkError as exc:
            raise CommandError(str(exc.message)) from exc
        ends = timezone.localtime(summit.ends_at, summit.tz)
        self.stderr.write(
            f"Door link {link.label!r} for {summit.slug}, valid until {ends:%Y-%m-%d %H:%M %Z} ({summit.timezone})"
        )
        self.stdout.write(door_link_url(token, base=settings.SITE_URL))
