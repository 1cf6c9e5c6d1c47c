import io

import pytest
from django.core.management import CommandError, call_command

from registrations.badges.codes import badge_code
from registrations.badges.sheets import LAYOUTS
from registrations.models import Registration
from tests.factories import PlanningGroupFactory, RegistrationFactory, confirmed_attendees
from tests.registrations.sheet_reading import all_text, decoded_qr_codes, page_count

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("print_badges", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_print_badges_writes_the_sheet_shows_progress_and_records_printing(summit, tmp_path):
    people = confirmed_attendees(summit, [(f"Person{i}", f"Last{i:02d}") for i in range(8)])
    target = tmp_path / "badges.pdf"

    out, err = run("sb25", "--output", str(target))

    pdf = target.read_bytes()
    assert page_count(pdf) == 2
    codes, symbols = decoded_qr_codes(pdf, LAYOUTS["letter-6up"])
    assert symbols == 8
    assert codes == {i: badge_code(p) for i, p in enumerate(people)}
    assert out.strip().splitlines()[-1] == str(target)
    assert "[##############################] 8/8 badges laid out" in err
    assert "8 badges on 2 pages (letter-6up) written to" in err
    assert Registration.objects.filter(badge_printed_at__isnull=True).count() == 0


def test_print_badges_in_another_layout_for_one_group_sorted_by_group(summit, tmp_path):
    group = PlanningGroupFactory(summit=summit, slug="housing", name="Housing")
    confirmed_attendees(summit, [("Ana", "Cruz"), ("Bo", "Li")], group=group)
    RegistrationFactory(summit=summit, first_name="Outside", group=None)
    target = tmp_path / "housing.pdf"

    run("sb25", "--output", str(target), "--layout", "a4-4up", "--group", "housing", "--sort", "group")

    text = all_text(target.read_bytes())
    assert page_count(target.read_bytes()) == 1
    assert "Ana" in text and "Bo" in text and "Outside" not in text


def test_print_badges_only_unprinted_after_a_first_run(summit, tmp_path):
    RegistrationFactory(summit=summit, first_name="Early")
    run("sb25", "--output", str(tmp_path / "first.pdf"))
    late = RegistrationFactory(summit=summit, first_name="Late")

    run("sb25", "--output", str(tmp_path / "late.pdf"), "--only-unprinted", "--layout", "label-4x3")

    pdf = (tmp_path / "late.pdf").read_bytes()
    assert decoded_qr_codes(pdf, LAYOUTS["label-4x3"])[0] == {0: badge_code(late)}
    with pytest.raises(CommandError, match="No confirmed badges match this choice"):
        run("sb25", "--output", str(tmp_path / "none.pdf"), "--only-unprinted")
    assert not (tmp_path / "none.pdf").exists()


def test_print_badges_for_one_person_as_a_preview_records_nothing(summit, tmp_path):
    person = RegistrationFactory(summit=summit)
    RegistrationFactory(summit=summit)

    run(
        "sb25",
        "--output",
        str(tmp_path / "one.pdf"),
        "--registration",
        str(person.public_id),
        "--layout",
        "letter-single",
        "--no-record",
    )

    assert page_count((tmp_path / "one.pdf").read_bytes()) == 1
    assert Registration.objects.filter(badge_printed_at__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "No summit with slug 'nope'"),
        (["sb25", "--group", "nope"], "No planning group with this slug"),
        (["sb25", "--registration", "not-a-uuid"], "No registration with this id"),
    ],
)
def test_print_badges_refuses_unknown_names_clearly(summit, tmp_path, args, message):
    RegistrationFactory(summit=summit)

    with pytest.raises(CommandError, match=message):
        run(*args, "--output", str(tmp_path / "x.pdf"))
