"""Schemathesis over /api/schema/: every operation with many more generated cases than the test suite
runs (SCHEMATHESIS_EXAMPLES, default 150 per operation). Prints cases and server errors (target 0)."""

import os
import sys

from trust_pytest import run, table

examples = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "150"))
figures, code, tail = run("tests/test_schemathesis.py", SCHEMATHESIS_EXAMPLES=examples)
st = figures.get("schemathesis", {})
print(
    table(
        [
            ("examples per operation (max)", examples),
            ("operations", f"{st.get('operations', '?')} of {st.get('operations_in_schema', '?')}"),
            ("cases", st.get("cases", "?")),
            ("server errors", st.get("server_errors", "?")),
            ("error answers without a JSON code", st.get("errors_without_code", "?")),
            (
                "answers by status",
                ", ".join(f"{k[7:]}: {v}" for k, v in sorted(st.get("by_status", {}).items())),
            ),
            ("pytest", " ".join(tail)),
        ]
    )
)
for failure in st.get("failures", [])[:20]:
    print(f"- {failure}")
sys.exit(code)
