from workshops.report import collect_report_data, render_report, sha256_of

from .conftest import pdf_text


def test_report_lists_every_group_and_recommendation(summit, scene):
    data = collect_report_data(summit, preliminary=False)

    pdf, pages = render_report(data, language="en", sha256=sha256_of(data))

    text = pdf_text(pdf)
    for title in (
        "Housing that lasts",
        "Good jobs",
        "Rent relief fund",
        "Night buses to the hospital",
        "Living wage pledge",
    ):
        assert title in text
