"""Badge sheets: which badges, in which order, laid out on which stock, printed as one PDF.

Layouts are named (the command's `--layout`, the API's `layout`) and measured in millimetres:

| name          | page        | badge                | per page | for                                   |
| ------------- | ----------- | -------------------- | -------- | ------------------------------------- |
| letter-6up    | US Letter   | 4 x 3 in, 2 x 3      | 6        | Avery 5392 / 74459 badge inserts      |
| a4-4up        | A4          | A6 (105 x 148.5 mm)  | 4        | A4 paper or card cut in four          |
| label-4x3     | 4 x 3 in    | 4 x 3 in             | 1        | thermal badge printers (4x3 labels)   |
| letter-single | US Letter   | 4 x 3 in, centred    | 1        | a reprint on plain paper              |

A badge is printed for the registration's current badge version only; recording a sheet as
printed is guarded by that version, so a badge reissued while a sheet was being built still
counts as "not yet printed".
"""

import base64
import datetime
import logging
import time
import unicodedata
from dataclasses import dataclass, field
from itertools import groupby

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from registrations.badges.codes import badge_code, require_badge
from registrations.badges.qr import qr_data_uri
from registrations.models import BadgeSheetJob, Registration
from summit import audit
from summit.errors import DomainError
from summit.pdf import render_pdf_parts

logger = logging.getLogger(__name__)

INCH = 25.4
PT_PER_MM = 72 / INCH
PAGES_PER_PART = 10  # layout runs in parts of this many pages, so progress can be reported


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    page_size: tuple  # (width, height) in mm
    badge_size: tuple  # (width, height) in mm
    columns: int
    rows: int
    origin: tuple  # top-left corner of the first badge, in mm
    crop_marks: bool = True

    @property
    def per_page(self):
        return self.columns * self.rows

    @property
    def portrait(self):
        return self.badge_size[1] > self.badge_size[0]

    def slot(self, index):
        """Top-left corner (mm) of the badge at `index` on its page, row by row."""
        column, row = index % self.columns, index // self.columns
        return (self.origin[0] + column * self.badge_size[0], self.origin[1] + row * self.badge_size[1])

    def marks(self, *, gap=1.5, length=5.0, weight=0.15):
        """Crop marks as (x, y, width, height) rectangles in mm: ticks in the margins on
        every cut line and, where badges touch with no margin, a small cross where cuts meet."""
        if not self.crop_marks:
            return []
        (page_w, page_h), (badge_w, badge_h) = self.page_size, self.badge_size
        left, top = self.origin
        right, bottom = left + self.columns * badge_w, top + self.rows * badge_h
        xs = [left + i * badge_w for i in range(self.columns + 1)]
        ys = [top + j * badge_h for j in range(self.rows + 1)]
        marks = []
        room = gap + 2
        for x in xs:
            if top >= room:
                start = max(0.0, top - gap - length)
                marks.append((x - weight / 2, start, weight, top - gap - start))
            if page_h - bottom >= room:
                marks.append((x - weight / 2, bottom + gap, weight, min(length, page_h - bottom - gap)))
        for y in ys:
            if left >= room:
                start = max(0.0, left - gap - length)
                marks.append((start, y - weight / 2, left - gap - start, weight))
            if page_w - right >= room:
                marks.append((right + gap, y - weight / 2, min(length, page_w - right - gap), weight))
        if left < room or top < room:
            arm = 3.0
            for x in xs[1:-1]:
                for y in ys[1:-1]:
                    marks.append((x - arm, y - weight / 2, 2 * arm, weight))
                    marks.append((x - weight / 2, y - arm, weight, 2 * arm))
        return marks


LETTER = (8.5 * INCH, 11 * INCH)
BADGE_4X3 = (4 * INCH, 3 * INCH)

LAYOUTS = {
    layout.name: layout
    for layout in (
        Layout(
            "letter-6up",
            gettext_lazy("US Letter, 6 badges of 4 x 3 in (Avery 5392 / 74459)"),
            LETTER,
            BADGE_4X3,
            2,
            3,
            (0.25 * INCH, 1 * INCH),
        ),
        Layout(
            "a4-4up", gettext_lazy("A4, 4 badges of A6"), (210.0, 297.0), (105.0, 148.5), 2, 2, (0.0, 0.0)
        ),
        Layout(
            "label-4x3",
            gettext_lazy("One 4 x 3 in label per page (thermal badge printer)"),
            BADGE_4X3,
            BADGE_4X3,
            1,
            1,
            (0.0, 0.0),
            crop_marks=False,
        ),
        Layout(
            "letter-single",
            gettext_lazy("One 4 x 3 in badge on US Letter (reprint)"),
            LETTER,
            BADGE_4X3,
            1,
            1,
            ((LETTER[0] - BADGE_4X3[0]) / 2, 1 * INCH),
        ),
    )
}
DEFAULT_LAYOUT = "letter-6up"
SORTS = tuple(BadgeSheetJob.Sort.values)


def get_layout(name):
    try:
        return LAYOUTS[name or DEFAULT_LAYOUT]
    except KeyError:
        raise DomainError(
            "unknown_layout",
            _("Unknown badge layout. Choose one of: %(names)s.") % {"names": ", ".join(LAYOUTS)},
            field="layout",
            status_code=400,
        ) from None


# --- Fitting names ------------------------------------------------------------------------


def _em_width(char):
    """A generous estimate of a character's advance in a bold sans face, in ems."""
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char.isspace():
        return 0.33
    if char.isupper():
        return 0.8
    if char.isdigit():
        return 0.7
    if char.isalpha():
        return 0.68
    return 0.45


def fit_font_size(text, *, width_mm, largest, smallest, lines=1):
    """The largest point size (between `smallest` and `largest`) at which `text` fits in
    `lines` lines of `width_mm`, estimated from character widths. Long names shrink; the
    sheet's CSS still wraps anything wider than estimated, so nothing is ever cut off."""
    ems = sum(_em_width(char) for char in text) or 1.0
    size = width_mm * PT_PER_MM * lines / ems
    return round(max(smallest, min(largest, size)), 1)


def name_font_size(text, *, width_mm, largest, one_line_from=22, smallest=13):
    """Names wrap before they shrink: one line as long as that leaves them `one_line_from` pt or
    more, else two lines of at most that size (so a longer name never prints larger than a
    shorter one), never under `smallest` pt (the sheet's CSS wraps a longer one onto a third
    line). Display names by default."""
    one_line = fit_font_size(text, width_mm=width_mm, largest=largest, smallest=0.1)
    if one_line >= one_line_from:
        return one_line
    return fit_font_size(text, width_mm=width_mm, largest=one_line_from, smallest=smallest, lines=2)


def last_name_font_size(text, *, width_mm, portrait):
    """Last names: on an A6 (portrait) badge, one line while that leaves them 16 pt or more,
    else two lines, never under 12 pt. A 4 x 3 in badge has no height for a second line
    under a display name, so there they shrink to one line, down to 9 pt."""
    if not portrait:
        return fit_font_size(text, width_mm=width_mm, largest=18, smallest=9)
    return name_font_size(text, width_mm=width_mm, largest=18, one_line_from=16, smallest=12)


# --- Choosing badges ----------------------------------------------------------------------


def resolve_selection(summit, *, group_slug=None, registration_id=None):
    """Turn the slugs and ids people type into a group and a registration of this summit.
    Raises DomainError (400, field named) for unknown ones."""
    group = registration = None
    if group_slug:
        group = summit.groups.filter(slug=group_slug).first()
        if group is None:
            raise DomainError(
                "unknown_group", _("No planning group with this slug."), field="group", status_code=400
            )
    if registration_id:
        try:
            registration = Registration.objects.filter(summit=summit, public_id=registration_id).first()
        except ValidationError:  # not a UUID
            registration = None
        if registration is None:
            raise DomainError(
                "unknown_registration",
                _("No registration with this id at this summit."),
                field="registration",
                status_code=400,
            )
    return group, registration


def select_badges(summit, *, only_unprinted=False, group=None, registration=None, sort="last_name"):
    """Confirmed registrations of the summit whose badges go on the sheet, in print order."""
    if sort not in SORTS:
        raise DomainError(
            "unknown_sort",
            _("Unknown order. Choose one of: %(names)s.") % {"names": ", ".join(SORTS)},
            field="sort",
            status_code=400,
        )
    queryset = Registration.objects.filter(
        summit=summit, status=Registration.Status.CONFIRMED
    ).select_related("summit", "group")
    if only_unprinted:
        queryset = queryset.filter(badge_printed_at__isnull=True)
    if group is not None:
        queryset = queryset.filter(group=group)
    if registration is not None:
        queryset = queryset.filter(pk=registration.pk)
    by_name = [Lower("last_name"), Lower("first_name"), "id"]
    if sort == "group":
        return queryset.order_by(
            F("group__position").asc(nulls_last=True), F("group__name").asc(nulls_last=True), *by_name
        )
    return queryset.order_by(*by_name)


# --- Drawing the sheet --------------------------------------------------------------------


def badge_face(registration, *, qr_uri, layout):
    """What one badge shows, as plain values for the template (never HTML: the template
    escapes every one, so a name like "<img src=...>" prints as text). Labels are in the
    attendee's language."""
    padding = 6.0 if layout.portrait else 5.0
    width = layout.badge_size[0] - 2 * padding
    with translation.override(registration.language or "en"):
        group = registration.group
        return {
            "lang": registration.language or "en",
            "summit_name": registration.summit.display_name,
            "display_name": registration.display_name,
            "name_size": name_font_size(
                registration.display_name, width_mm=width, largest=44 if layout.portrait else 40
            ),
            "last_name": registration.last_name,
            "last_name_size": last_name_font_size(
                registration.last_name, width_mm=width, portrait=layout.portrait
            ),
            "pronouns": registration.pronouns,
            "organization": registration.organization,
            "group_name": group.display_name if group else "",
            "room": group.room if group else "",
            "no_group": _("Group not yet assigned"),
            # The marker says "I speak Spanish" to everyone, so it is the same in both languages.
            "speaks_spanish": registration.language == "es",
            "qr": qr_uri,
        }


def _mm(value):
    return f"{value:.2f}mm"


def crop_marks_uri(layout):
    """The page's crop marks as one SVG data: URI (or "" when the layout has none). Every page
    uses the same URI, so WeasyPrint parses it once and only draws it on each page."""
    marks = layout.marks()
    if not marks:
        return ""
    width, height = layout.page_size
    path = "".join(f"M{x:.2f} {y:.2f}h{w:.2f}v{h:.2f}h{-w:.2f}z" for x, y, w, h in marks)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}mm" height="{height:.2f}mm" '
        f'viewBox="0 0 {width:.2f} {height:.2f}"><path d="{path}" fill="#000"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@dataclass
class BadgeSheet:
    pdf: bytes
    count: int
    pages: int
    printed: list = field(default_factory=list)  # (registration id, badge version) on the sheet


def build_badge_sheet(registrations, *, layout=DEFAULT_LAYOUT, progress=None, timings=None):
    """Lay out the badges of `registrations` (in that order) and return a BadgeSheet.
    Reads only; recording the badges as printed is `record_badges_printed`'s job.
    `progress(done, total)` is called as badges are laid out; `timings` (a dict) receives
    seconds spent drawing QR codes ("qr"), building HTML ("html"), laying out and writing."""
    layout = get_layout(layout) if isinstance(layout, str) else layout
    registrations = list(registrations)
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    faces = [badge_face(r, qr_uri=qr_data_uri(badge_code(r)), layout=layout) for r in registrations]
    timings["qr"] = timings.get("qr", 0) + time.perf_counter() - started

    started = time.perf_counter()
    pages = [faces[i : i + layout.per_page] for i in range(0, len(faces), layout.per_page)]
    slots = [{"x": _mm(x), "y": _mm(y)} for x, y in map(layout.slot, range(layout.per_page))]
    marks = crop_marks_uri(layout)
    geometry = {
        "name": layout.name,
        "orientation": "portrait" if layout.portrait else "landscape",
        "page_w": _mm(layout.page_size[0]),
        "page_h": _mm(layout.page_size[1]),
        "badge_w": _mm(layout.badge_size[0]),
        "badge_h": _mm(layout.badge_size[1]),
    }
    parts = []
    for first in range(0, max(len(pages), 1), PAGES_PER_PART):
        chunk = [
            {"badges": [{**face, **slot} for face, slot in zip(page, slots, strict=False)], "marks": marks}
            for page in pages[first : first + PAGES_PER_PART]
        ]
        parts.append(
            render_to_string("registrations/badges/sheet.html", {"layout": geometry, "pages": chunk})
        )
    timings["html"] = timings.get("html", 0) + time.perf_counter() - started

    badges_per_part = layout.per_page * PAGES_PER_PART

    def report(parts_done, parts_total):
        if progress:
            progress(min(len(registrations), parts_done * badges_per_part), len(registrations))

    pdf = render_pdf_parts(parts, progress=report, timings=timings)
    return BadgeSheet(
        pdf=pdf,
        count=len(registrations),
        pages=len(pages),
        printed=[(r.pk, r.badge_version) for r in registrations],
    )


@transaction.atomic
def record_badges_printed(printed, *, at=None):
    """Record the badges of a sheet as printed. `printed` holds (registration id, badge
    version) pairs: a badge reissued since the sheet was drawn stays "not yet printed"."""
    at = at or timezone.now()
    updated = 0
    for version, pairs in groupby(sorted(printed, key=lambda p: p[1]), key=lambda p: p[1]):
        ids = [pk for pk, _version in pairs]
        updated += Registration.objects.filter(pk__in=ids, badge_version=version).update(badge_printed_at=at)
    return updated


def print_badges(
    summit,
    *,
    layout=DEFAULT_LAYOUT,
    only_unprinted=False,
    group=None,
    registration=None,
    sort="last_name",
    progress=None,
    timings=None,
):
    """Build the sheet for a selection of the summit's confirmed badges (see select_badges).
    Does not record printing: call record_badges_printed once the file is safely stored."""
    layout = get_layout(layout)
    registrations = select_badges(
        summit, only_unprinted=only_unprinted, group=group, registration=registration, sort=sort
    )
    return build_badge_sheet(registrations, layout=layout, progress=progress, timings=timings)


# --- One attendee's own badge ------------------------------------------------------------

OWN_BADGE_LAYOUT = "label-4x3"  # the page is the badge: whole on a phone, actual size on paper


def own_badge_pdf(registration):
    """The whole badge of a confirmed registration (names, group, room, QR) as a one-page PDF
    of its own size, for the attendee to keep on their phone or print. Reads only: a badge
    the attendee prints is not recorded as printed by the planners. Raises
    DomainError("no_badge", 404) unless confirmed."""
    require_badge(registration)
    return build_badge_sheet([registration], layout=OWN_BADGE_LAYOUT).pdf


# --- Sheets built in the background -------------------------------------------------------


def request_badge_sheet(
    summit,
    *,
    by,
    layout=DEFAULT_LAYOUT,
    only_unprinted=False,
    group=None,
    registration=None,
    sort="last_name",
    mark_printed=True,
):
    """Queue a badge sheet for a planner: validates the choice, stores a BadgeSheetJob and
    enqueues its task once the job is committed. Raises DomainError("nothing_to_print")
    when the selection is empty."""
    get_layout(layout)
    selection = select_badges(
        summit, only_unprinted=only_unprinted, group=group, registration=registration, sort=sort
    )
    total = selection.count()
    if not total:
        raise DomainError("nothing_to_print", _("No confirmed badges match this choice."), status_code=409)
    with transaction.atomic():
        job = BadgeSheetJob.objects.create(
            summit=summit,
            requested_by=by if by and by.is_authenticated else None,
            layout=layout,
            only_unprinted=only_unprinted,
            group=group,
            registration=registration,
            sort=sort,
            mark_printed=mark_printed,
            total=total,
        )
        audit.record(
            action="badges.sheet_request", summit=summit, user=by, count=total, detail=f"{layout} {sort}"
        )
        transaction.on_commit(lambda: build_badge_sheet_task.enqueue(job.pk))
    return job


def sheet_storage_name(job):
    return f"badge-sheets/{job.summit.slug}/{job.public_id}.pdf"


@task()
def build_badge_sheet_task(job_id):
    """The background task that builds a requested sheet (run_badge_sheet_job)."""
    job = run_badge_sheet_job(job_id)
    return job.status if job else None


def run_badge_sheet_job(job_id):
    """Build a queued sheet: updates the job's progress as layout advances, stores the PDF
    in the default storage, records the badges as printed when asked, marks the job done
    (or failed, with the reason). Safe to call twice: a finished job is left alone."""
    updated = BadgeSheetJob.objects.filter(pk=job_id, status=BadgeSheetJob.Status.QUEUED).update(
        status=BadgeSheetJob.Status.RUNNING, started_at=timezone.now()
    )
    if not updated:
        return None
    job = BadgeSheetJob.objects.select_related("summit", "group", "registration").get(pk=job_id)

    def progress(done, total):
        BadgeSheetJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        sheet = print_badges(
            job.summit,
            layout=job.layout,
            only_unprinted=job.only_unprinted,
            group=job.group,
            registration=job.registration,
            sort=job.sort,
            progress=progress,
        )
        if not sheet.count:  # everyone chosen was cancelled (or printed) since the request
            raise DomainError("nothing_to_print", _("No confirmed badges match this choice."))
        name = default_storage.save(sheet_storage_name(job), ContentFile(sheet.pdf))
        if job.mark_printed:
            record_badges_printed(sheet.printed)
    except Exception as exc:
        refused = isinstance(exc, DomainError)
        if not refused:
            logger.exception("badge sheet %s failed", job.public_id)
        BadgeSheetJob.objects.filter(pk=job.pk).update(
            status=BadgeSheetJob.Status.FAILED,
            error=(exc.code if refused else type(exc).__name__)[:300],
            finished_at=timezone.now(),
        )
        if refused:
            return BadgeSheetJob.objects.get(pk=job.pk)
        raise
    BadgeSheetJob.objects.filter(pk=job.pk).update(
        status=BadgeSheetJob.Status.DONE,
        file_name=name,
        total=sheet.count,
        done=sheet.count,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def purge_old_badge_sheets(*, older_than=datetime.timedelta(days=2)):
    """Delete stored sheets (they hold personal data) older than `older_than`."""
    removed = 0
    for job in BadgeSheetJob.objects.filter(created_at__lt=timezone.now() - older_than).exclude(file_name=""):
        default_storage.delete(job.file_name)
        job.file_name = ""
        job.save(update_fields=["file_name"])
        removed += 1
    return removed


def fail_interrupted_badge_sheets(*, older_than=datetime.timedelta(minutes=30), now=None):
    """Mark as failed ("interrupted") the sheets still building `older_than` after they
    started: their worker died (a sheet of thousands of badges takes minutes, not half an
    hour). The planner sees the failure and asks again; nothing was recorded as printed, as
    that happens only once the file is stored. Returns how many were failed."""
    now = now or timezone.now()
    return BadgeSheetJob.objects.filter(
        status=BadgeSheetJob.Status.RUNNING, started_at__lt=now - older_than
    ).update(status=BadgeSheetJob.Status.FAILED, error="interrupted", finished_at=now)
