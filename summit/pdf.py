"""PDF rendering: the only module that imports WeasyPrint.

WeasyPrint may load only our own static files and inline `data:` images: never the network,
never a file outside the static folders. Files are written atomically, so a full disk or a
crash never leaves a partial PDF where a download would find it.
"""

import os
import tempfile
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
