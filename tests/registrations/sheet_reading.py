"""Reading badge sheets back: text per badge (pdfplumber) and every QR on rasterized pages
(pypdfium2 + zxing-cpp), each placed in its badge slot by position."""

import io

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
