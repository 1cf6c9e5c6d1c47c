import time

from django.core.management.base import BaseCommand, CommandError

from registrations.badges.sheets import (
    DEFAULT_LAYOUT,
    LAYOUTS,
    SORTS,
    print_badges,
    record_badges_printed,
    resolve_selection,
)
from summit import audit
from summit.errors import DomainError
from summit.models import Summit
from summit.pdf import write_atomically


class ProgressBar:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, stream, width=30):
        self.stream, self.width, self.started = stream, width, time.perf_counter()

    def __call__(self, done, total):
        filled = self.width * done // total if total else self.width
        elapsed = time.perf_counter() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} badges laid out ({elapsed:.1f} s)", ending="")
        self.stream.flush()

    def finish(self, message):
        self.stream.write(f"\r{message}".ljust(self.width + 40))


class Command(BaseCommand):
    help = (
        "Write the badge sheet PDF of a summit's confirmed registrations "
        "(and record those badges as printed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the summit")
        parser.add_argument("--output", required=True, metavar="FILE.pdf")
        parser.add_argument(
            "--layout",
            default=DEFAULT_LAYOUT,
            choices=list(LAYOUTS),
            help="sheet layout (default %(default)s): "
            + "; ".join(f"{name}: {layout.label}" for name, layout in LAYOUTS.items()),
        )
        parser.add_argument("--only-unprinted", action="store_true", help="only badges not yet printed")
        parser.add_argument("--group", metavar="SLUG", help="only this planning group")
        parser.add_argument("--registration", metavar="UUID", help="only this registration (its id)")
        parser.add_argument("--sort", default="last_name", choices=SORTS, help="order (default %(default)s)")
        parser.add_argument(
            "--no-record", action="store_true", help="do not record these badges as printed (a preview)"
        )

    def handle(
        self, *args, slug, output, layout, only_unprinted, group, registration, sort, no_record, **options
    ):
        summit = Summit.objects.filter(slug=slug).first()
        if summit is None:
            raise CommandError(f"No summit with slug {slug!r}.")
        bar = ProgressBar(self.stderr)
        try:
            group_obj, registration_obj = resolve_selection(
                summit, group_slug=group, registration_id=registration
            )
            sheet = print_badges(
                summit,
                layout=layout,
                only_unprinted=only_unprinted,
                group=group_obj,
                registration=registration_obj,
                sort=sort,
                progress=bar,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if not sheet.count:
            raise CommandError("No confirmed badges match this choice; no file written.")
        write_atomically(output, sheet.pdf)
        if not no_record:
            record_badges_printed(sheet.printed)
        audit.record(action="badges.print_command", summit=summit, count=sheet.count, detail=layout)
        bar.finish(f"{sheet.count} badges on {sheet.pages} pages ({layout}) written to {output}")
        self.stdout.write(output)
