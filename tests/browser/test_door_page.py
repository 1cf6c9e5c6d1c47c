"""The door page in headless Chromium: camera scanning of a real badge QR and offline scans."""

import io
import re

import pytest
import qrcode
from PIL import Image
from playwright.sync_api import expect

from registrations.badges.codes import badge_code
from registrations.door.links import create_door_link
from registrations.models import CheckIn
from tests.factories import PlanningGroupFactory, RegistrationFactory, SummitFactory, TicketTypeFactory

pytestmark = pytest.mark.browser


def qr_frame(text, size=(640, 480)):
    """A camera frame: a white page with the badge's QR code in the middle."""
    qr = qrcode.QRCode(border=4, box_size=10)
    qr.add_data(text)
    qr.make(fit=True)
    symbol = qr.make_image().convert("RGB")
    side = min(size) - 60
    symbol = symbol.resize((side, side), Image.NEAREST)
    frame = Image.new("RGB", size, "white")
    frame.paste(symbol, ((size[0] - side) // 2, (size[1] - side) // 2))
    return frame


def write_y4m(image, path, frames=2):
    """A raw YUV 4:2:0 video Chromium can play as its fake camera (it loops the file)."""
    width, height = image.size
    ycbcr = image.convert("YCbCr")
    y, cb, cr = ycbcr.split()
    cb = cb.resize((width // 2, height // 2), Image.BILINEAR)
    cr = cr.resize((width // 2, height // 2), Image.BILINEAR)
    frame = y.tobytes() + cb.tobytes() + cr.tobytes()
    buffer = io.BytesIO()
    buffer.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
    for _ in range(frames):
        buffer.write(b"FRAME\n" + frame)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def door(transactional_db, live_server, browser_settings):
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit")
    TicketTypeFactory(summit=summit)
    group = PlanningGroupFactory(summit=summit, name="Housing", room="Room 101")
    person = RegistrationFactory(summit=summit, first_name="Rosa", last_name="Parks", group=group)
    _, token = create_door_link(summit=summit, label="North door")
    return {"summit": summit, "person": person, "url": f"{live_server.url}/door/{token}/"}


def open_door(browser, door):
    context = browser.new_context()
    page = context.new_page()
    page.goto(door["url"])
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")  # the confirm page's button
    page.wait_for_selector("body[data-door-ready='1']")
    # The door list is saved for Wi-Fi drops before the first scan.
    expect(page.locator("#list-status")).not_to_have_text("")
    return context, page


def test_camera_scan_of_a_badge_shows_green_answer_with_name(launch_browser, door, tmp_path):
    video = write_y4m(qr_frame(badge_code(door["person"])), tmp_path / "badge.y4m")
    browser = launch_browser(
        args=[
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
    )
    context, page = open_door(browser, door)

    page.click("#camera-toggle")

    page.wait_for_selector("#answer.answer-ok", timeout=20000)
    assert page.text_content("#answer-word") == "Admitted"
    assert page.text_content("#answer-name") == "Rosa P."
    assert "Housing" in page.text_content("#answer-detail")
    assert "Room 101" in page.text_content("#answer-detail")
    assert page.get_attribute("#answer", "aria-live") == "assertive"
    check = CheckIn.objects.get(registration=door["person"])
    assert (check.device, check.offline) == ("North door", False)
    context.close()


def test_keyboard_wedge_scan_then_duplicate_is_amber(browser, door):
    context, page = open_door(browser, door)
    code = badge_code(door["person"])

    page.fill("#code", code)
    page.press("#code", "Enter")
    page.wait_for_selector("#answer.answer-ok")
    page.fill("#code", code)
    page.press("#code", "Enter")

    page.wait_for_selector("#answer.answer-warn")
    assert page.text_content("#answer-word") == "Already checked in"
    assert re.search(r"1 of 1 checked in", page.text_content("#counts"))
    context.close()


def test_offline_scans_are_queued_and_land_when_back_online(browser, door):
    context, page = open_door(browser, door)
    code = badge_code(door["person"])

    context.set_offline(True)
    page.fill("#code", code)
    page.press("#code", "Enter")

    page.wait_for_selector("#answer.answer-ok")
    assert page.text_content("#answer-word") == "Admitted (offline)"
    assert page.text_content("#answer-name") == "Rosa P."
    assert "1 offline scans waiting" in page.text_content("#queue")
    assert not CheckIn.objects.exists()

    context.set_offline(False)

    expect(page.locator("#queue")).to_contain_text("Offline scans sent: 1", timeout=20000)
    check = CheckIn.objects.get(registration=door["person"])
    assert (check.offline, check.device) == (True, "North door")
    context.close()


def test_name_search_and_one_tap_check_in(browser, door):
    context, page = open_door(browser, door)

    page.fill("#q", "ros")
    page.press("#q", "Enter")
    page.click("#search-results button")

    page.wait_for_selector("#answer.answer-ok")
    assert page.text_content("#answer-name") == "Rosa P."
    assert CheckIn.objects.filter(registration=door["person"]).count() == 1
    context.close()


def test_sign_out_clears_the_door_list(browser, door):
    context, page = open_door(browser, door)
    assert page.evaluate("Object.keys(localStorage).some(k => k.startsWith('summit-door-list:'))")

    page.click("#sign-out button")
    page.wait_for_load_state()

    assert not page.evaluate("Object.keys(localStorage).some(k => k.startsWith('summit-door'))")
    context.close()
