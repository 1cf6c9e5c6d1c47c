"""The report PDF as a reader sees it, read back with poppler's pdftotext: nothing cut at the
page's edges, the prioritised recommendations sharing pages, and a chart of the vote."""

import math
import re
import subprocess

import pytest

from tests.factories import RecommendationFactory, RegistrationFactory
from workshops.report.build import collect_report_data, render_report, sha256_of

# The report's page (report.css): US Letter, 612 x 792 pt, margins of 20 mm above and below and
# 18 mm at the sides, where the running header and the page number are; the text of the page
# starts 8 px (6 pt, the body's margin) further in.
PAGE_WIDTH, PAGE_HEIGHT = 612, 792
MM = 72 / 25.4
TEXT_LEFT, TEXT_RIGHT = 18 * MM + 6, PAGE_WIDTH - 18 * MM - 6
TEXT_TOP, TEXT_BOTTOM = 20 * MM, PAGE_HEIGHT - 20 * MM
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def words_cut_at_the_edge(pdf):
    """Words of the pages' text (not the running header and page number) that start left of the
    text's edge or end right of it: what WeasyPrint clips there, and the reader never sees."""
    return [
        word
        for x0, y0, x1, word in WORD.findall(pdftotext(pdf, "-bbox"))
        if TEXT_TOP < float(y0) < TEXT_BOTTOM
        and (float(x0) < TEXT_LEFT - 0.5 or float(x1) > TEXT_RIGHT + 0.5)
    ]


def report_pdf(summit, language="en"):
    data = collect_report_data(summit, preliminary=False)
    pdf, _pages = render_report(data, language=language, sha256=sha256_of(data))
    return pdf


def pdftotext(pdf, *options):
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pages_of(pdf):
    """Each page's text, as lines."""
    return [page.splitlines() for page in pdftotext(pdf).split("\f")]


def chapter_pages(pages, heading, next_heading):
    """The pages from the one whose line is `heading` (not the contents page, whose line ends
    with dots and a page number) to the one before `next_heading`."""
    start = next(i for i, lines in enumerate(pages) if heading in lines)
    end = next(i for i, lines in enumerate(pages) if next_heading in lines and i > start)
    return pages[start:end]


@pytest.fixture
def sectors(summit, scene, housing):
    """Add to the scene 6 community organization people, whose sector has the longest name."""
    for _ in range(6):
        RegistrationFactory(checked_in=True, summit=summit, group=housing, sector="community_org")
    return scene


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Community organization or nonprofit"), ("es", "Organización comunitaria o sin fines de lucro")],
)
def test_no_word_of_the_report_is_cut_at_the_edge_of_the_page(summit, sectors, language, label):
    pdf = report_pdf(summit, language)

    assert words_cut_at_the_edge(pdf) == []
    # The chart prints the label whole, on a line of its own; the table beside it too.
    participation = chapter_pages(
        pages_of(pdf),
        {"en": "Who took part", "es": "Quiénes participaron"}[language],
        {
            "en": "Planning groups and their recommendations",
            "es": "Los grupos de planificación y sus recomendaciones",
        }[language],
    )
    lines = [line.strip() for page in participation for line in page]
    assert label in lines
    assert sum(label in line for line in lines) == 2


def test_the_prioritised_recommendations_in_detail_share_pages(summit, scene, housing):
    for n in range(12):
        RecommendationFactory(group=housing, title=f"Prioritised idea {n}", state="shortlisted")
    prioritised = 12 + 2  # and the scene's rent relief fund and living wage pledge

    pages = pages_of(report_pdf(summit))

    detail = chapter_pages(pages, "The prioritised recommendations in detail", "Framework coverage")
    assert sum("Prioritised idea 11" in line for page in detail for line in page) == 1
    # Each takes about a fifth of a page: all of them fit on a few pages, not one page each.
    assert len(detail) <= math.ceil(prioritised / 4)


def test_the_vote_is_charted_beside_the_table_of_priorities(summit, scene):
    rent, wages = scene["rent"], scene["wages"]

    pages = pages_of(report_pdf(summit))

    priorities = chapter_pages(
        pages, "Prioritised recommendations", "The prioritised recommendations in detail"
    )
    lines = [line.strip() for page in priorities for line in page]
    assert "Dots per recommendation" in lines
    # Each recommendation on the chart (its bar's label, then its dots) and in the table.
    assert lines.count(f"{rent.reference} {rent.title}") == 1
    assert sum(rent.reference in line for line in lines) == 2
    assert sum(wages.reference in line for line in lines) == 2
    chart = lines[lines.index("Dots per recommendation") :]
    assert chart[chart.index(f"{rent.reference} {rent.title}") + 1] == "24"


def test_a_long_title_on_the_vote_chart_is_printed_whole(summit, scene, housing):
    title = (
        "A bilingual tenant hotline open every evening and on weekends, with legal aid for people "
        "facing eviction and a fund for the first month's rent"
    )
    rec = RecommendationFactory(group=housing, title=title, state="shortlisted")

    pdf = report_pdf(summit, "es")

    assert words_cut_at_the_edge(pdf) == []
    priorities = chapter_pages(
        pages_of(pdf), "Recomendaciones priorizadas", "Las recomendaciones priorizadas en detalle"
    )
    text = " ".join(line.strip() for page in priorities for line in page)
    assert f"{rec.reference} {title}" in text
