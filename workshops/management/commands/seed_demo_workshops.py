from django.core.management.base import BaseCommand, CommandError

from summit.models import Summit
from workshops.demo import seed_recommendations


class Command(BaseCommand):
    help = "Add believable recommendations, quotes and a closed room vote to a demo summit (run after seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--summit", default="demo", metavar="SLUG")

    def handle(self, *args, summit, **options):
        summit_obj = Summit.objects.filter(slug=summit).first()
        if summit_obj is None:
            raise CommandError(f"No summit with slug {summit!r}; run seed_demo first.")
        result = seed_recommendations(summit_obj)
        self.stdout.write(
            f"Summit {summit!r}: {result['recommendations']} new recommendations, {result['votes']} new votes, "
            f"{result['assigned']} people placed in groups."
        )
