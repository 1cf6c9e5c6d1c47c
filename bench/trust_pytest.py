"""Run one of the trust test files under pytest and read the figures it wrote (the tests write
JSON figures into TRUST_FIGURES_DIR when it is set)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(test_path, **env):
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_path],
            cwd=ROOT,
            env={**os.environ, "TRUST_FIGURES_DIR": folder, **{k: str(v) for k, v in env.items()}},
            capture_output=True,
            text=True,
        )
        figures = {}
        for file in Path(folder).glob("*.json"):
            figures[file.stem] = json.loads(file.read_text())
    tail = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    return figures, result.returncode, tail


def table(rows):
    lines = ["| figure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)
