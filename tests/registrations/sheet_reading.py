"""Reading badge sheets back: text per badge (pdfplumber), printed lines with their height
(poppler's pdftotext, which reads WeasyPrint's text as viewers do) and every QR on rasterized
pages (pypdfium2 + zxing-cpp), each placed in its badge slot by position."""

import io
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pypdfium2
import zxingcpp

MM_TO_PT = 72 / 25.4


def page_count(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def page_sizes_mm(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [(round(p.width / MM_TO_PT, 1), round(p.height / MM_TO_PT, 1)) for p in document.pages]


def all_text(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def _pdftotext(pdf, *options):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "sheet.pdf")
        path.write_bytes(pdf)
        command = ["pdftotext", *options, str(path), "-"]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def viewer_text(pdf):
    """The text of a PDF as viewers show it (poppler's pdftotext)."""
    return _pdftotext(pdf)


def printed_lines(pdf):
    """Every line of text on the sheet as (text, height in pt), as poppler lays it out: a
    line's height is its type's size (ascent to descent), the same for every line of one size."""
    xhtml = _pdftotext(pdf, "-bbox-layout")
    lines = []
    for line in ET.fromstring(xhtml).iter("{http://www.w3.org/1999/xhtml}line"):  # noqa: S314 (our own sheet)
        words = [word.text for word in line]
        height = float(line.get("yMax")) - float(line.get("yMin"))
        lines.append((" ".join(words), round(height, 1)))
    return lines


def badge_texts(pdf, layout):
    """The text of each badge on the sheet, in sheet order (page by page, row by row)."""
    texts = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for index in range(layout.per_page):
                x, y = layout.slot(index)
                w, h = layout.badge_size
                box = (x * MM_TO_PT, y * MM_TO_PT, (x + w) * MM_TO_PT, (y + h) * MM_TO_PT)
                text = page.crop(box).extract_text() or ""
                if text.strip():
                    texts.append(text)
    return texts


def decoded_qr_codes(pdf, layout, *, dpi=150):
    """{badge position on the sheet: QR text} for every QR found on the pages at `dpi`,
    and the number of QR symbols found."""
    found = {}
    count = 0
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page_number, page in enumerate(document):
            image = page.render(scale=dpi / 72).to_pil()
            for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                count += 1
                corners = [result.position.top_left, result.position.bottom_right]
                x_mm = sum(c.x for c in corners) / 2 * 25.4 / dpi
                y_mm = sum(c.y for c in corners) / 2 * 25.4 / dpi
                column = int((x_mm - layout.origin[0]) // layout.badge_size[0])
                row = int((y_mm - layout.origin[1]) // layout.badge_size[1])
                found[page_number * layout.per_page + row * layout.columns + column] = result.text
    finally:
        document.close()
    return found, count
