"""Run every bench/bench_*.py script (or those named) and print their tables.

Each script prints a Markdown table of its figures. Usage: python bench/run.py [name ...]
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names):
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(name in s.stem for name in names)]
    if not scripts:
        print("No benchmarks yet.")
        return 0
    failed = 0
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    for script in scripts:
        started = time.perf_counter()
        print(f"\n## {script.stem.removeprefix('bench_')}\n", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, env=env)
        print(
            f"\n({script.name}: {time.perf_counter() - started:.1f} s, exit {result.returncode})", flush=True
        )
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
