import logging

from django.core.management.base import BaseCommand, CommandError

from summit.models import Summit
from summit.pdf import write_atomically
from workshops.report.build import build_snapshot_pdf
from workshops.report.services import freeze_snapshot


class ProgressBar:
    """A one-line progress bar on stderr (redrawn in place on a terminal)."""

    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width

    def __call__(self, percent, label=""):
        filled = self.width * percent // 100
        tty = self.stream.isatty()
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {label:<14}"
        if tty:
            self.stream.write("\r" + line, ending="\n" if percent >= 100 else "")
        else:
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = "Build the recommendations report PDF from a fresh snapshot of the summit's data (kept with the others)."

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--output", required=True, metavar="FILE.pdf")
        parser.add_argument("--language", choices=["en", "es"], default="en")
        parser.add_argument("--preliminary", action="store_true", help="Mark the report as preliminary.")

    def handle(self, *args, slug, output, language, preliminary, **options):
        summit = Summit.objects.filter(slug=slug).first()
        if summit is None:
            raise CommandError(f"No summit with slug {slug!r}.")
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # our bar says it more briefly
        bar = ProgressBar(self.stderr)
        bar(0, "snapshot")
        snapshot = freeze_snapshot(summit, language=language, preliminary=preliminary)
        pdf = build_snapshot_pdf(snapshot, progress=bar)
        write_atomically(output, pdf)
        snapshot.refresh_from_db()
        self.stdout.write(
            f"Wrote {output}: {snapshot.pages} pages, snapshot {snapshot.pk}, SHA-256 {snapshot.sha256}."
        )
