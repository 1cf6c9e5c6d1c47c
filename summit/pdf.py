"""PDF rendering: the only module that imports WeasyPrint.

WeasyPrint may load only our own static files and inline `data:` images: never the network,
never a file outside the static folders. Files are written atomically, so a full disk or a
crash never leaves a partial PDF where a download would find it.
"""

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _allowed_roots():
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    for finder in finders.get_finders():
        for _path, storage in finder.list([]):
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
            break
    return roots


def _fetcher():
    from weasyprint.urls import URLFetcher

    roots = _allowed_roots()

    class OwnFilesFetcher(URLFetcher):
        """Serves data: URIs and files under our static folders; refuses everything else."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"refused to load {url!r}: PDFs may only use Summit's own static files")

    return OwnFilesFetcher(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)


def static_base_url():
    """Base URL so that `summit/print.css`-style relative links resolve to our static folder."""
    return (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"


def render_pdf(html, *, stylesheets=()):
    """Lay out an HTML string and return the PDF bytes."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    css = [CSS(string=sheet, url_fetcher=fetcher, base_url=static_base_url()) for sheet in stylesheets]
    return document.write_pdf(stylesheets=css)


def render_pdf_parts(html_parts, *, stylesheets=(), progress=None, timings=None):
    """Lay out several HTML documents in turn and write their pages as one PDF.

    Long documents (a 2,000-badge sheet) are given in parts so that `progress(parts_done,
    parts_total)` can be called as layout advances. All parts share one font configuration,
    so each font is embedded once. When `timings` is a dict, the seconds spent laying out
    ("layout") and writing ("write") are added to it.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html_parts = list(html_parts)
    fetcher = _fetcher()
    font_config = FontConfiguration()
    css = [
        CSS(string=sheet, url_fetcher=fetcher, base_url=static_base_url(), font_config=font_config)
        for sheet in stylesheets
    ]
    timings = timings if timings is not None else {}
    images = {}  # one image cache for all parts: an image used on every page is decoded once
    started = time.perf_counter()
    first, pages = None, []
    for number, html in enumerate(html_parts, start=1):
        document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
            stylesheets=css, font_config=font_config, cache=images
        )
        first = first or document
        pages.extend(document.pages)
        if progress:
            progress(number, len(html_parts))
    laid_out = time.perf_counter()
    data = first.copy(pages).write_pdf() if first else render_pdf("")
    timings["layout"] = timings.get("layout", 0) + laid_out - started
    timings["write"] = timings.get("write", 0) + time.perf_counter() - laid_out
    return data


def render_template_pdf(template_name, context, *, stylesheets=()):
    return render_pdf(render_to_string(template_name, context), stylesheets=stylesheets)


def write_atomically(path, data):
    """Write bytes to `path` through a temporary file in the same folder, then rename.
    A failure (full disk included) leaves no partial file at `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def render_pdf_counted(html, *, stylesheets=(), on_laid_out=None):
    """Like render_pdf, but lays out first and returns (pdf bytes, page count); calls
    `on_laid_out(pages)` between layout and writing (for progress bars)."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    css = [CSS(string=sheet, url_fetcher=fetcher, base_url=static_base_url()) for sheet in stylesheets]
    rendered = document.render(stylesheets=css)
    pages = len(rendered.pages)
    if on_laid_out is not None:
        on_laid_out(pages)
    return rendered.write_pdf(), pages
