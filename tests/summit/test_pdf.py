import io

import pytest
from pypdf import PdfReader

from summit.pdf import render_pdf, write_atomically


def text_of(pdf_bytes):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def test_render_pdf_prints_html_as_laid_out_text():
    pdf = render_pdf("<h1>Planning groups</h1><p>Vivienda y comunidad</p>")

    assert pdf.startswith(b"%PDF")
    assert "Planning groups" in text_of(pdf)
    assert "Vivienda y comunidad" in text_of(pdf)


def test_pdf_never_fetches_from_the_network_or_outside_static(tmp_path, caplog):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (
        f'<link rel="stylesheet" href="{secret.as_uri()}">'
        '<img src="http://127.0.0.1:9/tracker.png"><p>Report</p>'
    )

    pdf = render_pdf(html)

    assert "Report" in text_of(pdf)
    refused = [r.getMessage() for r in caplog.records if "refused to load" in r.getMessage()]
    assert len(refused) == 2


def test_write_atomically_leaves_no_partial_file_when_writing_fails(tmp_path):
    target = tmp_path / "report.pdf"

    # Writing fails half-way (here: data that cannot be written, as a full disk would).
    with pytest.raises(TypeError):
        write_atomically(target, object())

    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_atomically_replaces_the_old_file_whole(tmp_path):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"old")

    write_atomically(target, b"%PDF-new")

    assert target.read_bytes() == b"%PDF-new"
