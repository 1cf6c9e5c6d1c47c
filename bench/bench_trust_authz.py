"""Authorization matrix: every URL x every role x own/other summit (tests/test_authorization_matrix.py).
Prints the number of cells and of unexpected allows (target 0)."""

import sys

from trust_pytest import run, table

figures, code, tail = run("tests/test_authorization_matrix.py")
authz = figures.get("authz", {})
print(
    table(
        [
            ("authorization cells", authz.get("cells", "?")),
            ("unexpected allows", authz.get("unexpected_allows", "?")),
            ("unexpected refusals", authz.get("unexpected_refusals", "?")),
            ("private values leaked", authz.get("leaks", "?")),
            ("URLs not classified", authz.get("unclassified_urls", "?")),
            ("pytest", " ".join(tail)),
        ]
    )
)
for kind, items in authz.get("details", {}).items():
    for item in items[:20]:
        print(f"- {kind}: {item}")
sys.exit(code)
