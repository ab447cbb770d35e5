# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package files on disk (the domain layer): atomic downloads, checked uploads, files never overwritten."""

from __future__ import annotations

import errno
import grp
import hashlib
import os
import pwd
import re
import stat
import tempfile
from contextlib import contextmanager
from typing import Callable, Optional

from ansible_collections.mstr.migration.plugins.module_utils.answers import PACKAGE_MAGIC
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.transport import CHUNK

# Every package file starts with PACKAGE_MAGIC (answers.py); a src that does not is refused unless this option is set.
FORMAT_OPTION = "skip_format_check"


def file_sha256(path: str) -> Optional[str]:
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                (stat.S_ISSOCK, "a socket"))


def check_dest(dest: str, option: str = "dest") -> None:
    if os.path.isdir(dest):
        raise ValidationError(option, "%s is a directory; give the path of the file to write, for example %s"
                              % (dest, os.path.join(dest, "package.mmp")))
    if os.path.exists(dest) and not os.path.isfile(dest):
        mode = os.stat(dest).st_mode
        kind = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
        raise ValidationError(option, "%s is %s; only a regular file is replaced: give the path of a regular or a "
                                      "new file" % (dest, kind))
    check_directory(os.path.dirname(os.path.abspath(dest)), option)


def same_file(first: str, second: str) -> bool:
    """The two paths name one file: the same real path, or (both existing) the same inode through a hard link."""
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False  # one of them does not exist (yet): only the real paths could tell


def check_distinct(inputs: list, outputs: list) -> None:
    """No output is an input or another output. Both are lists of ``(option, path)``; unset paths are skipped.

    A task that wrote over its own input (an undo package over the package it imports, a manifest over the
    package) would destroy what a re-run or a rollback needs.
    """
    named = [(option, path, False) for option, path in inputs if path] + \
            [(option, path, True) for option, path in outputs if path]
    for index, (option, path, written) in enumerate(named):
        for other, other_path, other_written in named[:index]:
            if (written or other_written) and same_file(path, other_path):
                raise ValidationError(option, "%s is the same file as %s (%s): a task never writes over its own "
                                              "input or writes two results to one file; give %s another path"
                                      % (path, other, other_path, option))


def check_directory(directory: str, option: str) -> None:
    """A directory that new files can be written into."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise ValidationError(option, "%s is not a directory" % directory)
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


def check_src(src: str, skip_format_check: bool = False) -> None:
    if not os.path.exists(src):
        raise ValidationError("src", "%s does not exist; give the path of a package file (.mmp)" % src)
    if not os.path.isfile(src):
        raise ValidationError("src", "%s is not a regular file; give the path of a package file (.mmp)" % src)
    if not os.access(src, os.R_OK):
        raise ValidationError("src", "%s is not readable by this user" % src)
    if os.path.getsize(src) == 0:
        raise ValidationError("src", "%s is empty; give the path of a package file (.mmp)" % src)
    if not skip_format_check:
        with open(src, "rb") as handle:
            head = handle.read(len(PACKAGE_MAGIC))
        if head != PACKAGE_MAGIC:
            raise ValidationError("src", "%s is not a package file: a package (.mmp) starts with the bytes %s, this "
                                         "file with %s. Give the path of a package file, or set %s: true to send it "
                                         "anyway" % (src, _hex(PACKAGE_MAGIC), _hex(head), FORMAT_OPTION))


def _hex(data: bytes) -> str:
    return " ".join("%02x" % byte for byte in data)


class WriteError(MstrError):
    """A file that could not be written (disk full, permission, read-only, immutable, too big): ``path`` and
    ``reason`` for callers that say more (an import record after its undo package)."""

    def __init__(self, path: str, reason: str):
        super().__init__("%s could not be written: %s; the previous file, if there was one, was left as it was"
                         % (path, reason), path=path)
        self.path = path
        self.reason = reason


def write_failure(path: str, exc: BaseException) -> WriteError:
    if isinstance(exc, OSError) and exc.errno:
        why = "%s (%s)" % (exc.strerror or os.strerror(exc.errno), errno.errorcode.get(exc.errno, exc.errno))
    else:
        why = str(exc) + (": %s" % exc.__cause__ if exc.__cause__ else "")
    return WriteError(path, why)


@contextmanager
def writing(path: str):
    """OSError while writing ``path`` becomes an error that names the file and the reason."""
    try:
        yield
    except OSError as exc:
        raise write_failure(path, exc) from exc


class TempFileSink:
    """A new file next to ``dest``: mode 0600 from mkstemp, moved into place only when whole.

    A failed write (disk full, file too big, ...) is an MstrError naming ``dest``, not an OSError: the
    client's download passes it on without retrying, and the caller still cleans up the server.
    """

    def __init__(self, dest: str):
        self.dest = dest
        directory = os.path.dirname(os.path.abspath(dest))
        with writing(dest):
            fd, self.path = tempfile.mkstemp(prefix=".%s." % os.path.basename(dest), suffix=".part", dir=directory)
        self.handle = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        with writing(self.dest):
            self.handle.write(chunk)

    def restart(self) -> None:
        with writing(self.dest):
            self.handle.seek(0)
            self.handle.truncate()

    def close(self) -> None:
        with writing(self.dest):
            self.handle.close()  # buffered bytes are written here: a full disk can show only now

    def discard(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass  # the write already failed and said why; the file goes anyway
        if os.path.exists(self.path):
            os.unlink(self.path)


def move_into_place(temp: str, dest: str, module=None) -> None:
    """Give the whole file ``temp`` the name ``dest``, the way Ansible replaces files.

    A new ``dest`` is a plain rename, so it keeps mkstemp's mode 0600 whatever the umask (atomic_move would
    give it 0666 minus the umask). An existing one is replaced by the module's ``atomic_move``, which keeps
    its mode, owner and SELinux context and honours ``unsafe_writes``. Without a module (tests, tools) it
    is always a rename (as is a dangling symbolic link: there is no file whose attributes could be kept).
    """
    if module is None or not os.path.exists(dest):
        with writing(dest):
            os.rename(temp, dest)
        return
    # atomic_move reports a failure with fail_json on ansible-core < 2.19 (which would end the module before
    # the server is cleaned up) and raises Exception from 2.19 on: both become the collection's own error.

    def refuse(msg="", **kwargs):
        raise MstrError(msg)
    module.fail_json = refuse
    try:
        module.atomic_move(temp, dest, unsafe_writes=module.params.get("unsafe_writes", False))
    except Exception as exc:  # pylint: disable=broad-exception-caught
        raise write_failure(dest, exc) from exc
    finally:
        del module.fail_json


class _DigestSink:
    """Check mode: hash what would be written, write nothing."""

    def write(self, chunk: bytes) -> None:
        pass

    def restart(self) -> None:
        pass


def download_to(fetch: Callable, dest: str, check_mode: bool, backup: Callable[[str], str] = None,
                compare: bool = True, module=None) -> dict:
    """Download to ``dest`` atomically; ``changed`` only when the bytes on disk change.

    ``fetch(sink)`` streams the binary into the sink (``api.PackageApi.download`` or ``download_undo``).
    ``compare=False`` skips reading the old file (the caller knows it changed) and always replaces it.
    ``module`` replaces an existing ``dest`` with its ``atomic_move`` (see ``move_into_place``).
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
        sink.close()
        changed = not compare or file_differs(dest, stats["size"], stats["sha256"])
        result = {"changed": changed, "size": stats["size"], "sha256": stats["sha256"]}
        if result["changed"]:
            if backup is not None and os.path.isfile(dest):
                result["backup_file"] = backup(dest)
            move_into_place(sink.path, dest, module)
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


def write_file(path: str, data: bytes, replace: bool = True, module=None) -> None:
    """Write ``path`` whole or not at all, as downloads do: a new file next to it, moved over it
    (``move_into_place``, with ``module``'s atomic_move for an existing file).

    ``replace=False`` never replaces an existing ``path`` (FileExistsError), for rollback points.
    """
    sink = TempFileSink(path)
    try:
        sink.write(data)
        sink.close()
        if replace:
            move_into_place(sink.path, path, module)
        else:
            link_new(sink.path, path)
    finally:
        sink.discard()
