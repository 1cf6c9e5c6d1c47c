"""summit.csvsafe is the one CSV writer: what it writes opens safely in a spreadsheet, and the
registrations and summit apps write CSV through it only."""

import ast
import csv
import io
from pathlib import Path

from summit.csvsafe import to_csv

ROOT = Path(__file__).resolve().parents[2]
WRITERS = {"writer", "DictWriter"}


def test_cells_a_spreadsheet_would_run_are_written_as_text():
    content, count = to_csv(["a", "b"], [["=1+1", "+cmd"], ["-2", "@SUM(A1)"], ["plain", None]])

    assert count == 3
    assert list(csv.reader(io.StringIO(content.removeprefix("\ufeff")))) == [
        ["a", "b"],
        ["'=1+1", "'+cmd"],
        ["'-2", "'@SUM(A1)"],
        ["plain", ""],
    ]


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
