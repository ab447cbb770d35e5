# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package binaries on disk: atomic downloads, checked uploads."""

from __future__ import annotations

import errno
import grp
import hashlib
import os
import pwd
import re
import tempfile
from typing import Callable, Optional

from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError

CHUNK = 1024 * 1024


def file_sha256(path: str) -> Optional[str]:
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_dest(dest: str, option: str = "dest") -> None:
    if os.path.isdir(dest):
        raise ValidationError(option, "%s is a directory; give the path of the file to write, for example %s"
                              % (dest, os.path.join(dest, "package.mmp")))
    check_directory(os.path.dirname(os.path.abspath(dest)), option)


def check_directory(directory: str, option: str) -> None:
    """A directory that new files can be written into."""
    if not os.path.isdir(directory):
        raise ValidationError(option, "the directory %s does not exist; create it first (ansible.builtin.file "
                                      "with state: directory)" % directory)
    if not os.access(directory, os.W_OK):
        raise ValidationError(option, "the directory %s is not writable by this user" % directory)


# One clause of a symbolic mode as chmod takes it (u=rw,g=r,o= or a+X), or an octal mode.
_SYMBOLIC_MODE = re.compile(r"^[ugoa]*([-+=]([rwxXst]*|[ugo]))+(,[ugoa]*([-+=]([rwxXst]*|[ugo]))+)*$")
_OCTAL_MODE = re.compile(r"^0?[0-7]{3,4}$")


def check_file_options(params: dict) -> None:
    """mode, owner and group as the file options take them, refused before any request rather than after the work."""
    mode = params.get("mode")
    if mode is not None and not isinstance(mode, int) and not (
            _OCTAL_MODE.match(str(mode)) or _SYMBOLIC_MODE.match(str(mode))):
        raise ValidationError("mode", "%r is not a file mode; give it in octal as a string (\"0640\") or in "
                                      "symbolic form (u=rw,g=r,o=)" % (mode,))
    for option, lookup, what in (("owner", pwd.getpwnam, "user"), ("group", grp.getgrnam, "group")):
        name = params.get(option)
        if name and not str(name).isdigit():
            try:
                lookup(name)
            except KeyError as exc:
                raise ValidationError(option, "there is no %s named %s on this host" % (what, name)) from exc


def check_src(src: str) -> None:
    if not os.path.exists(src):
        raise ValidationError("src", "%s does not exist; give the path of a package file (.mmp)" % src)
    if not os.path.isfile(src):
        raise ValidationError("src", "%s is not a regular file; give the path of a package file (.mmp)" % src)
    if not os.access(src, os.R_OK):
        raise ValidationError("src", "%s is not readable by this user" % src)
    if os.path.getsize(src) == 0:
        raise ValidationError("src", "%s is empty; give the path of a package file (.mmp)" % src)


class TempFileSink:
    """A new file next to ``dest``: mode 0600 from mkstemp, moved into place only when whole."""

    def __init__(self, dest: str):
        directory = os.path.dirname(os.path.abspath(dest))
        fd, self.path = tempfile.mkstemp(prefix=".%s." % os.path.basename(dest), suffix=".part", dir=directory)
        self.handle = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.handle.write(chunk)

    def restart(self) -> None:
        self.handle.seek(0)
        self.handle.truncate()

    def discard(self) -> None:
        self.handle.close()
        if os.path.exists(self.path):
            os.unlink(self.path)


class _DigestSink:
    """Check mode: hash what would be written, write nothing."""

    def write(self, chunk: bytes) -> None:
        pass

    def restart(self) -> None:
        pass


def download_to(fetch: Callable, dest: str, check_mode: bool, backup: Callable[[str], str] = None,
                compare: bool = True) -> dict:
    """Download to ``dest`` atomically; ``changed`` only when the bytes on disk change.

    ``fetch(sink)`` streams the binary into the sink (``api.PackageApi.download`` or ``download_undo``).
    ``compare=False`` skips reading the old file (the caller knows it changed) and always replaces it.
    A failure leaves ``dest`` as it was and no temporary file behind.
    """
    if check_mode:
        stats = fetch(_DigestSink())
        changed = not compare or file_differs(dest, stats["size"], stats["sha256"])
        return {"changed": changed, "size": stats["size"], "sha256": stats["sha256"]}
    sink = TempFileSink(dest)
    try:
        stats = fetch(sink)
        # Closed, not fsync'ed: like Ansible's own atomic_move; the rename below is what makes dest whole or old.
        sink.handle.close()
        changed = not compare or file_differs(dest, stats["size"], stats["sha256"])
        result = {"changed": changed, "size": stats["size"], "sha256": stats["sha256"]}
        if result["changed"]:
            if backup is not None and os.path.isfile(dest):
                result["backup_file"] = backup(dest)
            os.replace(sink.path, dest)
        return result
    finally:
        sink.discard()


def file_differs(path: str, size, sha256) -> bool:
    """The file at ``path`` is not the bytes of this size and sha256; it is read only when the size matches."""
    if not os.path.isfile(path) or os.path.getsize(path) != size:
        return True
    return file_sha256(path) != sha256


def link_new(path: str, name: str) -> None:
    """Give the whole file ``path`` the new name ``name``; FileExistsError when ``name`` exists (never replaced).

    A hard link does both at once. Where the file system has no hard links, ``name`` is reserved with O_EXCL
    and the file renamed onto it.
    """
    try:
        os.link(path, name)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        os.replace(path, name)


def write_file(path: str, data: bytes, replace: bool = True) -> None:
    """Write ``path`` whole or not at all, as downloads do: a new file next to it, renamed over it.

    ``replace=False`` never replaces an existing ``path`` (FileExistsError), for rollback points.
    """
    sink = TempFileSink(path)
    try:
        sink.write(data)
        sink.handle.close()
        if replace:
            os.replace(sink.path, path)
        else:
            link_new(sink.path, path)
    finally:
        sink.discard()
