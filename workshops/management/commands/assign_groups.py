from django.core.management.base import BaseCommand, CommandError

from summit.errors import DomainError
from summit.models import Summit
from workshops.assignment.services import run_assignment


def _pct(share):
    return f"{100 * (share or 0):.1f}%"


def format_figures(run):
    """A run's quality figures as a plain-text table a planner can read in a terminal."""
    f = run.figures
    solver = f.get("solver", {})
    limits = f.get("limits", {})
    gap = solver.get("gap")
    lines = [
        f"Summit {run.summit.slug}: {f.get('people', 0)} people in {f.get('groups', 0)} groups"
        f" ({'run ' + str(run.pk) if run.pk else 'dry run, not saved'})",
        f"Solver: {solver.get('status')} ({solver.get('method')}) in {solver.get('seconds', 0):.2f} s;"
        f" objective {solver.get('objective')}, LP bound {solver.get('lp_bound')},"
        f" gap {'n/a' if gap is None else f'{100 * gap:.2f}%'}",
        f"First choice: {_pct(f['first_choice']['share'])} ({f['first_choice']['count']})"
        f"  Top three: {_pct(f['top_three']['share'])} ({f['top_three']['count']})"
        f"  Unranked: {_pct(f['unranked']['share'])} ({f['unranked']['count']})"
        f"  Without preferences: {f.get('people', 0) - f.get('with_preferences', 0)}",
        f"Moved since the previous run: {f.get('moved', 0)}; newcomers: {f.get('newcomers', 0)};"
        f" locked by a planner: {f.get('locked', 0)}",
        f"Rules: resident floor {_pct(limits.get('resident_floor'))} (summit-wide {_pct(limits.get('resident_share'))}),"
        f" sector ceiling {'none' if limits.get('sector_ceiling') is None else _pct(limits.get('sector_ceiling'))},"
        f" organization cap {limits.get('org_cap') or 'none'}"
        + (
            f" (raised for {len(limits['org_caps_raised'])} large organizations)"
            if limits.get("org_caps_raised")
            else ""
        ),
        "",
    ]
    header = [
        "Group",
        "Lang",
        "Size",
        "Min-Max",
        "Residents",
        "Top other sector",
        "Most of one org",
        "1st choice",
        "Rules",
    ]
    rows = []
    for g in f.get("groups_detail", []):
        rows.append(
            [
                g["id"],
                g["language"],
                str(g["size"]),
                f"{g['min_size']}-{g['max_size']}",
                f"{g['residents']} ({_pct(g['resident_share'])})",
                f"{g['top_sector'] or '-'} ({_pct(g['top_sector_share'])})",
                str(g["max_of_one_org"]),
                str(g["first_choice"]),
                "ok" if not g["violations"] else "; ".join(v["rule"] for v in g["violations"]),
            ]
        )
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    lines.append(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    lines.append("")
    gave_way = f.get("gave_way", {})
    if gave_way:
        lines.append("Rules that gave way (they could not all hold):")
        for rule, info in gave_way.items():
            lines.append(f"  {rule}: {info['amount']} people over {info['groups']} group(s)")
    else:
        lines.append("Every rule holds.")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Assign the summit's confirmed attendees to planning groups and print the quality figures."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--dry-run", action="store_true", help="Preview the figures without saving.")
        parser.add_argument(
            "--fresh", action="store_true", help="Ignore the current draft groups (no stability term)."
        )

    def handle(self, *args, slug, dry_run, fresh, **options):
        summit = Summit.objects.filter(slug=slug).first()
        if summit is None:
            raise CommandError(f"No summit {slug!r}.")
        try:
            run = run_assignment(summit, dry_run=dry_run, fresh=fresh)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(format_figures(run))
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
