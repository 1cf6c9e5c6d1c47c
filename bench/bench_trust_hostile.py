"""Hostile inputs through every text field (tests/test_hostile_inputs.py): payloads tried and
failures (server errors, text shown as markup, formulas left live, fetches). Target 0 failures."""

import sys

from trust_pytest import run, table

figures, code, tail = run("tests/test_hostile_inputs.py")
hostile = figures.get("hostile", {})
failures = hostile.get("server_errors", 0) + hostile.get("rendering_failures", 0)
print(
    table(
        [
            ("payload kinds", hostile.get("payloads", "?")),
            ("payloads tried (field x payload x entry point)", hostile.get("tried", "?")),
            ("accepted", hostile.get("accepted", "?")),
            ("refused (4xx naming the field)", hostile.get("refused", "?")),
            ("server errors", hostile.get("server_errors", "?")),
            ("rendering failures", hostile.get("rendering_failures", "?")),
            ("failures", failures if hostile else "?"),
            ("pytest", " ".join(tail)),
        ]
    )
)
for failure in hostile.get("failures", [])[:20]:
    print(f"- {failure}")
sys.exit(code)
