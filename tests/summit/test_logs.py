"""Logs never hold an attendee's private link or a door link: whoever reads the access log or
the error log cannot open a registration or sign a phone in at the door."""

import datetime
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "eyJyIjoiMWI0ZTI4YmEtMmFjMS00NzJiIn0:1u8ZzG:Jx0dTr4w-Q3Bq_kWmHfnQvS4aMc"


def gunicorn_logger(folder):
    """gunicorn's logger as gunicorn.conf.py (read from the folder gunicorn starts in, as the
    README runs it) configures it, writing to files in `folder`."""
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    config.set("accesslog", str(folder / "access.log"))
    config.set("errorlog", str(folder / "error.log"))
    return config.logger_class(config)


def access_line(folder, path, query="", referer="-"):
    """What gunicorn writes in the access log for one request."""
    logger = gunicorn_logger(folder)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path + (f"?{query}" if query else ""),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "phone",
    }
    request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "phone")])
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    return (folder / "access.log").read_text().splitlines()[-1]


def test_the_access_log_shows_a_manage_link_without_its_token(tmp_path):
    line = access_line(tmp_path, f"/r/{TOKEN}/", referer=f"https://summit.example.org/r/{TOKEN}/vote/")

    assert TOKEN not in line
    assert '"GET /r/…/ HTTP/1.1" 200 512 "https://summit.example.org/r/…/vote/" "phone"' in line


def test_the_access_log_shows_a_door_link_and_a_badge_without_their_tokens(tmp_path):
    door = access_line(tmp_path, f"/door/{TOKEN}/")
    badge = access_line(tmp_path, f"/r/{TOKEN}/badge.png")

    assert '"GET /door/…/ HTTP/1.1"' in door
    assert '"GET /r/…/badge.png HTTP/1.1"' in badge
    assert TOKEN not in door + badge


def test_the_access_log_keeps_every_other_path_whole(tmp_path):
    door_page = access_line(tmp_path, "/summits/sb25/door/links/")
    summit_page = access_line(tmp_path, "/summits/sb25/", query="lang=es")

    assert '"GET /summits/sb25/door/links/ HTTP/1.1" 200' in door_page
    assert '"GET /summits/sb25/?lang=es HTTP/1.1" 200' in summit_page


def test_djangos_error_log_shows_a_manage_link_without_its_token():
    # The handler the settings' LOGGING gave the root logger (what gunicorn's error log prints).
    (handler,) = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    out = io.StringIO()
    previous = handler.setStream(out)
    try:
        logging.getLogger("django.request").error("Internal Server Error: %s", f"/r/{TOKEN}/")
        logging.getLogger("django.request").error("Internal Server Error: %s", "/summits/sb25/")
    finally:
        handler.setStream(previous)

    assert out.getvalue() == "Internal Server Error: /r/…/\nInternal Server Error: /summits/sb25/\n"


def test_gunicorns_error_log_shows_a_failed_request_without_its_token(tmp_path):
    logger = gunicorn_logger(tmp_path)

    logger.error("Error handling request %s", f"/door/{TOKEN}/")

    assert (tmp_path / "error.log").read_text().endswith("[ERROR] Error handling request /door/…/\n")
