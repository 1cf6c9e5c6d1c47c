"""A full disk while a badge sheet is being stored: the job fails, nothing partial is served,
and no partial file is left behind where a download (or anyone) could find it.

The disk is a real 16 KiB tmpfs when this process may mount one (root); otherwise files
opened under it are made to fail with ENOSPC past 16 KiB, the outside world faked at the OS
boundary."""

import errno
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from registrations.models import BadgeSheetJob
from summit.pdf import write_atomically
from tests.factories import confirmed_attendees

pytestmark = pytest.mark.django_db

SHEETS = "/api/summits/sb25/badge-sheets/"


@pytest.fixture
def tiny_disk(settings, tmp_path, monkeypatch):
    """MEDIA_ROOT on a file system with 16 KiB of room (a badge sheet PDF is larger)."""
    root = tmp_path / "tiny"
    root.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(root)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        real_fdopen = os.fdopen

        class FullDisk:
            """A file on a disk with 16 KiB of room: writes past that fail with ENOSPC."""

            def __init__(self, file):
                self.file, self.room = file, 16 * 1024

            def write(self, data):
                if len(data) > self.room:
                    self.file.write(data[: self.room])
                    self.file.flush()
                    self.room = 0
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                self.room -= len(data)
                return self.file.write(data)

            def __getattr__(self, name):
                return getattr(self.file, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.file.close()

        def fdopen_on_a_full_disk(fd, *args, **kwargs):
            file = real_fdopen(fd, *args, **kwargs)
            if Path(os.readlink(f"/proc/self/fd/{fd}")).is_relative_to(root):
                return FullDisk(file)
            return file

        # Both Django's storage and ours open their files with os.fdopen.
        monkeypatch.setattr(os, "fdopen", fdopen_on_a_full_disk)
    settings.MEDIA_ROOT = root
    yield root
    if mounted:
        subprocess.run(["umount", str(root)], check=True)


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def test_a_badge_sheet_that_does_not_fit_on_the_disk_fails_and_leaves_no_file(
    summit, planner_api, tiny_disk, django_capture_on_commit_callbacks
):
    confirmed_attendees(summit, [(f"Name{n}", f"Person{n}") for n in range(12)])

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_api.post(SHEETS, {"layout": "letter-6up"}, format="json")

    job_id = response.json()["id"]
    status = planner_api.get(f"{SHEETS}{job_id}/").json()
    assert (status["status"], status["download_url"]) == ("failed", None)
    job = BadgeSheetJob.objects.get(public_id=job_id)
    assert (job.error, job.file_name) == ("OSError", "")
    download = planner_api.get(f"{SHEETS}{job_id}/pdf/")
    assert download.status_code == 409
    assert download.json()["code"] == "not_ready"
    assert files_under(tiny_disk) == []
    # Nothing was recorded as printed: the next sheet of unprinted badges still has all twelve.
    assert summit.registrations.filter(badge_printed_at__isnull=True).count() == 12


def test_the_file_storage_never_leaves_a_partial_file_when_the_disk_fills(tiny_disk):
    with pytest.raises(OSError) as failure:
        default_storage.save("badge-sheets/big.pdf", ContentFile(os.urandom(256 * 1024)))

    assert failure.value.errno == errno.ENOSPC
    assert files_under(tiny_disk) == []
    assert not default_storage.exists("badge-sheets/big.pdf")


def test_the_file_storage_keeps_a_file_that_fits_and_never_overwrites_one(tiny_disk):
    first = default_storage.save("sheet.pdf", ContentFile(b"%PDF-1 first"))
    second = default_storage.save("sheet.pdf", ContentFile(b"%PDF-1 second"))

    assert first == "sheet.pdf"
    assert second != first
    assert default_storage.open(first).read() == b"%PDF-1 first"
    assert default_storage.open(second).read() == b"%PDF-1 second"
    assert files_under(tiny_disk) == sorted([first, second])


def test_print_badges_output_on_a_full_disk_leaves_no_partial_file(tiny_disk):
    target = tiny_disk / f"{uuid.uuid4().hex}.pdf"

    with pytest.raises(OSError):
        write_atomically(target, os.urandom(256 * 1024))

    assert files_under(tiny_disk) == []
