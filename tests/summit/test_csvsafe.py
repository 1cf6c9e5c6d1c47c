"""summit.csvsafe: the one helper every CSV export and roster writes its cells through."""

import ast
import csv
import io
from pathlib import Path

import pytest

from summit.csvsafe import safe_cell, to_csv

ROOT = Path(__file__).resolve().parents[2]
WRITERS = {"writer", "DictWriter"}


# OWASP's CSV injection list (= + - @ tab, carriage return) and the line feed, which some
# spreadsheets strip before reading the formula that follows it.
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize("value", ["Ana Ruiz", "Casa de la Raza", "a=b", "", "3"])
def test_other_text_is_left_as_it_is(value):
    assert safe_cell(value) == value


def test_numbers_are_text_and_none_is_empty():
    assert (safe_cell(None), safe_cell(12), safe_cell(-3)) == ("", "12", "'-3")


def test_to_csv_writes_every_row_through_safe_cell_with_a_bom_for_spreadsheets():
    body, count = to_csv(["name", "organization"], [["=SUM(A1)", "\nOrg"], ["Ana", "Casa"]])

    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body.removeprefix("\ufeff")))) == [
        ["name", "organization"],
        ["'=SUM(A1)", "'\nOrg"],
        ["Ana", "Casa"],
    ]
    assert count == 2


def test_only_csvsafe_writes_csv_in_registrations_and_summit():
    writers = []
    for app in ("registrations", "summit"):
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Attribute) and node.attr in WRITERS:
                    uses = isinstance(node.value, ast.Name) and node.value.id == "csv"
                elif isinstance(node, ast.ImportFrom) and node.module == "csv":
                    uses = any(alias.name in WRITERS for alias in node.names)
                else:
                    uses = False
                if uses:
                    writers.append(str(path.relative_to(ROOT)))

    assert writers == ["summit/csvsafe.py"]
