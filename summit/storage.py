"""File storage whose files appear whole or not at all.

Django's FileSystemStorage writes straight to the final name, so a full disk (or a crash)
halfway through leaves a truncated file under the name a download would look for. This one
writes a hidden temporary file in the same folder, syncs it, and only then links it to the
final name (never replacing a file that is already there, as Django's storage promises).
"""

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        handle, tmp_path = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as tmp:
                for chunk in content.chunks():
                    tmp.write(chunk.encode() if isinstance(chunk, str) else chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            while True:
                try:
                    # A hard link claims the name only if it is free: two saves never overwrite.
                    os.link(tmp_path, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            # On success the file lives on under its final name; on failure nothing is left.
            os.unlink(tmp_path)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return str(name).replace("\\", "/")
