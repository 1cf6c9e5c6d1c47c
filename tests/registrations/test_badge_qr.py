import base64
import io

import pypdfium2
import pytest
import zxingcpp
from django.template.loader import render_to_string
from PIL import Image

from registrations.badges.codes import badge_card_context, badge_code, badge_png, badge_png_response
from registrations.badges.qr import qr_data_uri, qr_matrix, qr_png, qr_svg
from summit.errors import DomainError
from summit.pdf import render_pdf
from tests.factories import PlanningGroupFactory, RegistrationFactory

CODE = "S1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def read_qr(image):
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_qr_png_decodes_to_the_code_with_error_correction_q():
    [result] = read_qr(Image.open(io.BytesIO(qr_png(CODE))))

    assert result.text == CODE
    assert result.ec_level == "Q"


def test_a_badge_code_makes_a_small_alphanumeric_symbol_with_large_modules():
    # Alphanumeric mode fits the 29 characters in version 2 (25 x 25 modules); byte mode
    # would need version 3: smaller modules on the same badge, harder to read at arm's length.
    assert len(qr_matrix(CODE)) == 25 + 2 * 4
    assert Image.open(io.BytesIO(qr_png(CODE, scale=10))).size == (330, 330)


def test_the_one_pixel_per_module_data_uri_is_the_same_symbol():
    header, data = qr_data_uri(CODE).split(",", 1)
    image = Image.open(io.BytesIO(base64.b64decode(data)))

    assert header == "data:image/png;base64"
    assert image.size == (33, 33)
    [result] = read_qr(image.resize((330, 330), Image.Resampling.NEAREST))
    assert result.text == CODE


def test_the_svg_for_print_decodes_once_laid_out():
    svg = base64.b64encode(qr_svg(CODE, module_mm=1.0).encode()).decode()
    pdf = render_pdf(f'<img src="data:image/svg+xml;base64,{svg}">')

    document = pypdfium2.PdfDocument(pdf)
    [result] = read_qr(document[0].render(scale=150 / 72).to_pil())
    document.close()

    assert result.text == CODE


@pytest.mark.django_db
def test_badge_png_is_the_registrations_current_code():
    registration = RegistrationFactory()

    [result] = read_qr(Image.open(io.BytesIO(badge_png(registration))))

    assert result.text == badge_code(registration)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "pending_payment"])
def test_only_a_confirmed_registration_has_a_badge_image(status):
    registration = RegistrationFactory(status=status)

    with pytest.raises(DomainError) as refused:
        badge_png(registration)

    assert refused.value.code == "no_badge"


@pytest.mark.django_db
def test_badge_png_response_is_a_private_png_download():
    registration = RegistrationFactory()

    response = badge_png_response(registration)

    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{registration.summit.slug}.png"'
    assert response.content == badge_png(registration)


@pytest.mark.django_db
def test_the_badge_card_shows_the_badge_with_a_qr_that_scans():
    group = PlanningGroupFactory(name="Housing", room="Room 101")
    registration = RegistrationFactory(
        summit=group.summit,
        first_name="Ana",
        last_name="Cruz",
        pronouns="she/her",
        language="es",
        group=group,
        organization="<script>alert(1)</script>",
    )

    html = render_to_string(
        "registrations/_badge_card.html", badge_card_context(registration, png_url="/badge.png")
    )

    for shown in ("Ana", "Cruz", "she/her", "Housing · Room 101", "Hablo español", 'href="/badge.png"'):
        assert shown in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    uri = html.split('class="badge-card-qr" src="', 1)[1].split('"', 1)[0]
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    [result] = read_qr(image)
    assert result.text == badge_code(registration)


@pytest.mark.django_db
def test_the_badge_card_says_when_no_group_is_assigned_yet():
    registration = RegistrationFactory(group=None)

    html = render_to_string("registrations/_badge_card.html", badge_card_context(registration))

    assert "Group not yet assigned" in html
    assert "Hablo español" not in html
