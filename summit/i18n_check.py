"""CI check: every marked string has a Spanish translation and the committed catalogue is current.

Runs `makemessages` against a copy of the catalogue, compares message ids, checks that no
message is untranslated or fuzzy, and that the compiled .mo matches the .po.
Usage: python -m summit.i18n_check
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def read_catalog(path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        return read_po(handle, locale="es")


def message_ids(catalog):
    return {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}


def main():
    problems = []
    backup = Path(tempfile.mkdtemp()) / "django.po"
    shutil.copy2(PO, backup)
    try:
        env = {**os.environ, "DEBUG": "1"}
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--locale",
                "es",
                "--no-obsolete",
                "--ignore",
                ".venv/*",
                "--ignore",
                "tests/*",
                "--ignore",
                "bench/*",
                "--ignore",
                "node_modules/*",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        fresh = read_catalog(PO)
    finally:
        shutil.copy2(backup, PO)
    committed = read_catalog(PO)
    missing = sorted(message_ids(fresh) - message_ids(committed))
    for msgid in missing[:30]:
        problems.append(f"not in the catalogue (run `make messages` and translate): {msgid!r}")
    for message in committed:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy (check and clear the flag): {message.id!r}")
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / "django.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(PO)], check=True)
        if not MO.exists() or compiled.read_bytes() != MO.read_bytes():
            problems.append("locale/es/LC_MESSAGES/django.mo is stale: run `make messages`.")
    if problems:
        print("Spanish catalogue problems:\n  " + "\n  ".join(problems))
        return 1
    print(f"Spanish catalogue: {len(message_ids(committed))} messages, all translated and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
