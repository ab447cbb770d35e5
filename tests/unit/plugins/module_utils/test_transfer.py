# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Files on disk: only packages are sent, paths never collide, files are replaced as Ansible does, and a write
that fails names its file, keeps the old one and still cleans up the server."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import socket
import subprocess
import sys

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import export, importer, records
from ansible_collections.mstr.migration.plugins.module_utils import files as transfer
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.tests.emulator.binaries import VENDOR_MAGIC
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import TUTORIAL, YEAR_BODY, logged_in

PACKAGE_START = bytes.fromhex("0180befe7f063772")


class FileModule:
    """The parts of AnsibleModule that its own atomic_move uses, with the real atomic_move."""

    atomic_move = AnsibleModule.atomic_move
    cleanup = AnsibleModule.cleanup

    def __init__(self, unsafe_writes=False):
        self.params = {"unsafe_writes": unsafe_writes}

    def selinux_enabled(self):
        return False

    def fail_json(self, **kwargs):
        raise SystemExit(json.dumps(kwargs))  # what the real one does: the module would end here


# ---------------------------------------------------------------- only packages are sent
def test_a_file_that_is_not_a_package_is_refused_naming_it_and_its_first_bytes(tmp_path):
    page = tmp_path / "year.mmp"
    page.write_bytes(b"<html><body>Sign in</body></html>")
    with pytest.raises(ValidationError) as caught:
        transfer.check_src(str(page))
    assert caught.value.option == "src"
    assert str(page) in caught.value.message
    assert "3c 68 74 6d 6c 3e 3c 62" in caught.value.message  # "<html><b"
    assert "01 80 be fe 7f 06 37 72" in caught.value.message and "skip_format_check: true" in caught.value.message
    transfer.check_src(str(page), skip_format_check=True)
    short = tmp_path / "short.mmp"
    short.write_bytes(PACKAGE_START[:7])
    with pytest.raises(ValidationError, match="starts with the bytes"):
        transfer.check_src(str(short))
    package = tmp_path / "package.mmp"
    package.write_bytes(PACKAGE_START + b"rest of a package")
    transfer.check_src(str(package))


def test_the_check_uses_the_bytes_the_vendor_files_start_with():
    # tests/emulator/tests/test_vendor_samples.py checks that the vendor's own .mmp files start with VENDOR_MAGIC.
    assert transfer.PACKAGE_MAGIC == VENDOR_MAGIC == PACKAGE_START


def test_the_whole_import_refuses_a_file_that_is_not_a_package(tmp_path):
    src = tmp_path / "notes.mmp"
    src.write_text("remember to export the year attribute\n")
    with pytest.raises(ValidationError, match="^src: .*notes.mmp is not a package file"):
        importer.verify_source(str(src), None)
    assert importer.verify_source(str(src), None, skip_format_check=True)["src"] == str(src)


# ---------------------------------------------------------------- paths never collide
def test_output_paths_that_name_one_file_are_refused(tmp_path):
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"old")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(dest)
    hard = tmp_path / "hard.json"
    os.link(dest, hard)
    for manifest in (str(dest), str(tmp_path / "sub" / ".." / "p.mmp"), str(link), str(hard)):
        with pytest.raises(ValidationError) as caught:
            export.check_paths(str(dest), manifest)
        assert caught.value.option == "manifest" and "the same file as dest" in caught.value.message
    # A symbolic link to a file that does not exist yet is still the same file.
    future = tmp_path / "future.mmp"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(future)
    with pytest.raises(ValidationError, match="^manifest: .* the same file as dest"):
        export.check_paths(str(future), str(dangling))
    export.check_paths(str(dest), str(dest) + ".json")


def test_check_distinct_names_both_options_and_lets_inputs_share_a_file(tmp_path):
    src = tmp_path / "a.mmp"
    src.write_bytes(b"x")
    with pytest.raises(ValidationError) as caught:
        transfer.check_distinct([("src", str(src))], [("dest", str(tmp_path / "." / "a.mmp"))])
    assert caught.value.option == "dest" and "same file as src" in caught.value.message
    transfer.check_distinct([("src", str(src)), ("manifest", str(src))], [("dest", str(tmp_path / "b.mmp"))])
    transfer.check_distinct([("src", None)], [("dest", str(src)), ("manifest", None)])


def test_the_manifest_of_an_import_is_not_its_package_through_a_link(tmp_path):
    src = tmp_path / "year.mmp"
    src.write_bytes(PACKAGE_START + b"x")
    link = tmp_path / "year.json"
    link.symlink_to(src)
    with pytest.raises(ValidationError, match="^manifest: is the package file itself"):
        importer.verify_source(str(src), str(link))


def test_the_undo_package_and_the_record_never_land_on_the_source(tmp_path):
    """The import role's case: even where the name an undo package would get is the source .mmp itself (here a
    hard link of it under that name), the source is kept and the rollback point goes to the next free name."""
    src = tmp_path / "year.mmp"
    src.write_bytes(PACKAGE_START + b"the package")
    stamp = "20260101T000000Z"
    os.link(src, tmp_path / ("year.undo.%s.mmp" % stamp))
    undo_temp = tmp_path / ".year.undo.part"
    undo_temp.write_bytes(PACKAGE_START + b"the undo package")
    undo_path, record_path = records.place_rollback_point(str(tmp_path), "year", stamp, str(undo_temp),
                                                          lambda path: {"undo": os.path.basename(path)})
    assert undo_path == str(tmp_path / ("year.undo.%s-2.mmp" % stamp))
    assert record_path == str(tmp_path / ("year.import.%s-2.json" % stamp))
    assert src.read_bytes() == PACKAGE_START + b"the package"
    assert pathlib.Path(undo_path).read_bytes() == PACKAGE_START + b"the undo package"


# ------------------------------------------------------- files are replaced the way Ansible replaces them
def test_a_destination_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "fifo.mmp"
    os.mkfifo(fifo)
    device = tmp_path / "null.mmp"
    device.symlink_to("/dev/null")
    sock_path = tmp_path / "s.mmp"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path, kind in ((fifo, "a FIFO"), (device, "a character device"), (sock_path, "a socket")):
            with pytest.raises(ValidationError) as caught:
                transfer.check_dest(str(path))
            assert caught.value.option == "dest"
            assert "%s is %s; only a regular file is replaced" % (path, kind) in caught.value.message
            with pytest.raises(ValidationError, match="^manifest: "):
                export.check_paths(str(tmp_path / "p.mmp"), str(path))
    finally:
        server.close()
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_an_existing_file_keeps_its_mode_and_owner_and_a_new_one_is_0600(tmp_path):
    old_umask = os.umask(0o002)  # a permissive umask must not make new files readable by others
    try:
        dest = tmp_path / "p.mmp"
        transfer.write_file(str(dest), b"first", module=FileModule())
        assert dest.stat().st_mode & 0o777 == 0o600
        os.chmod(dest, 0o644)
        os.chown(dest, 65534, 65534)  # nobody:nogroup (the suite runs as root)
        transfer.write_file(str(dest), b"second", module=FileModule())
    finally:
        os.umask(old_umask)
    stat = dest.stat()
    assert dest.read_bytes() == b"second"
    assert (stat.st_mode & 0o777, stat.st_uid, stat.st_gid) == (0o644, 65534, 65534)
    assert sorted(os.listdir(tmp_path)) == ["p.mmp"]


# -------------------------------------------------- a failed write names its file and keeps the old one
class FailingFile:
    """A file whose writes fail once ``limit`` bytes are written, with the errno a full or read-only disk gives."""

    def __init__(self, handle, error: int, limit: int):
        self.handle, self.error, self.left = handle, error, limit

    def write(self, data):
        if len(data) > self.left:
            raise OSError(self.error, os.strerror(self.error))
        self.left -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)


def previous_export(tmp_path) -> tuple:
    dest, manifest = tmp_path / "year.mmp", tmp_path / "year.mmp.json"
    dest.write_bytes(b"previous export")
    manifest.write_text('{"previous": "manifest"}')
    return dest, manifest


def assert_kept_and_cleaned(server, tmp_path, dest, manifest):
    assert dest.read_bytes() == b"previous export"
    assert manifest.read_text() == '{"previous": "manifest"}'
    assert sorted(os.listdir(tmp_path)) == ["year.mmp", "year.mmp.json"]  # no temporary file left
    state = server.state()
    assert state["packages"] == []  # the holder was deleted
    assert len(state["sessions"]) == 1  # and the session left as it was


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG])
def test_a_failed_write_names_the_file_keeps_it_and_cleans_up(start_emulator, tmp_path, monkeypatch, error):
    server = start_emulator("--processing-seconds", "0.05", "--binary-padding-mb", "1")
    client = logged_in(server)
    dest, manifest = previous_export(tmp_path)
    real_fdopen = os.fdopen
    monkeypatch.setattr(transfer.os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode), error, 4096))
    with pytest.raises(MstrError) as caught:
        export.export_package(client, YEAR_BODY, TUTORIAL, str(dest), str(manifest), 10, False, FileModule())
    assert caught.value.message.startswith("%s could not be written: %s (%s)"
                                           % (dest, os.strerror(error), errno.errorcode[error]))
    assert caught.value.details["path"] == str(dest)
    assert_kept_and_cleaned(server, tmp_path, dest, manifest)


def test_a_file_too_big_for_the_process_limit_is_a_clear_error(start_emulator, tmp_path):
    """EFBIG for real: the export runs in a process whose file size limit (RLIMIT_FSIZE) is below the package."""
    server = start_emulator("--processing-seconds", "0.05", "--binary-padding-mb", "2")
    client = logged_in(server)
    dest, manifest = previous_export(tmp_path)
    script = """
import json, resource, signal, sys
from ansible_collections.mstr.migration.plugins.module_utils import export
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError
session, body, dest, manifest = json.loads(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))
client = Client(decode_session(session)["base_url"])
client.resume(decode_session(session))
try:
    export.export_package(client, body, "%s", dest, manifest, 10, False)
except MstrError as exc:
    print(json.dumps(exc.message))
""" % TUTORIAL
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-c", script, json.dumps([client.session_value(), YEAR_BODY, str(dest),
                                                                     str(manifest)])],
                          capture_output=True, text=True, env=env, timeout=60, check=True)
    message = json.loads(done.stdout)
    assert message.startswith("%s could not be written: File too large (EFBIG)" % dest), done.stdout
    assert_kept_and_cleaned(server, tmp_path, dest, manifest)


def test_an_immutable_file_is_named_kept_and_the_holder_deleted(start_emulator, tmp_path):
    """Replacing an immutable file fails with EPERM in the rename that atomic_move does (and in its fallback)."""
    server = start_emulator("--processing-seconds", "0.05")
    client = logged_in(server)
    dest, manifest = previous_export(tmp_path)
    if subprocess.run(["chattr", "+i", str(dest)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not possible here (needs root and a file system with attributes)")
    try:
        with pytest.raises(MstrError) as caught:
            export.export_package(client, YEAR_BODY, TUTORIAL, str(dest), str(manifest), 10, False, FileModule())
    finally:
        subprocess.run(["chattr", "-i", str(dest)], check=True)
    assert caught.value.message.startswith("%s could not be written: " % dest)
    assert "Operation not permitted" in caught.value.message
    assert_kept_and_cleaned(server, tmp_path, dest, manifest)


def test_atomic_move_failing_with_fail_json_is_the_collections_error(tmp_path, monkeypatch):
    """ansible-core before 2.19 reports a failed atomic_move with fail_json, which would end the module."""
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"old")
    temp = tmp_path / "new.part"
    temp.write_bytes(b"new")
    module = FileModule()
    monkeypatch.setattr(FileModule, "atomic_move",
                        lambda self, src, dst, unsafe_writes=False: self.fail_json(msg="Could not replace file: x"))
    with pytest.raises(MstrError, match="p.mmp could not be written: Could not replace file: x"):
        transfer.move_into_place(str(temp), str(dest), module)
    assert dest.read_bytes() == b"old"
    with pytest.raises(SystemExit):
        module.fail_json(msg="the module's own fail_json is back")


class UndoOnly:
    """The one call of PackageApi that _download_undo makes: stream an undo package into the sink."""

    def download_undo(self, import_id, sink):
        sink.write(PACKAGE_START + b"u" * 10000)
        return {"size": 10008, "sha256": "0" * 64}


def test_an_undo_package_that_cannot_be_written_is_named_and_the_record_still_written(tmp_path, monkeypatch):
    """After an import the target has changed: a full disk while saving the undo package is reported with the
    file's name, and the record is still written (the import's _finish writes it with this reason)."""
    src = tmp_path / "year.mmp"
    src.write_bytes(PACKAGE_START + b"x")
    run = importer.Import(None, importer.verify_source(str(src), None), "B19DEDCC11D4E0EFC000EB9495D0F44F",
                          str(tmp_path), True, False, 60, False)
    run.api = UndoOnly()
    real_fdopen = os.fdopen
    monkeypatch.setattr(transfer.os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode), errno.ENOSPC, 0))
    undo = run._download_undo("import-1", {"undoPackageCreated": True})
    assert undo["stats"] is None
    assert undo["error"].startswith("%s could not be written: No space left on device (ENOSPC)"
                                    % (tmp_path / "year.undo.mmp"))
    undo["sink"].discard()
    monkeypatch.undo()
    undo_path, record_path = records.place_rollback_point(str(tmp_path), "year", "20260101T000000Z", None,
                                                          lambda path: {"undo": path, "undo_error": undo["error"]})
    assert undo_path is None and json.loads(pathlib.Path(record_path).read_text())["undo_error"] == undo["error"]
    assert sorted(os.listdir(tmp_path)) == ["year.import.20260101T000000Z.json", "year.mmp"]


def test_a_record_whose_bytes_cannot_be_written_keeps_the_undo_package_and_names_both(tmp_path, monkeypatch):
    undo = tmp_path / ".undo.part"
    undo.write_bytes(PACKAGE_START + b"new undo")
    real_fdopen = os.fdopen
    monkeypatch.setattr(transfer.os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode), errno.ENOSPC, 0))
    with pytest.raises(MstrError) as caught:
        records.place_rollback_point(str(tmp_path), "year", "20260101T000000Z", str(undo), lambda path: {"undo": path})
    record = tmp_path / "year.import.20260101T000000Z.json"
    saved = tmp_path / "year.undo.20260101T000000Z.mmp"
    assert caught.value.message == ("the import record could not be written to %s: No space left on device "
                                    "(ENOSPC); the undo package was saved as %s" % (record, saved))
    assert caught.value.details["undo_package"] == str(saved)
    assert saved.read_bytes() == PACKAGE_START + b"new undo"
    assert sorted(os.listdir(tmp_path)) == [".undo.part", saved.name]  # no record, no temporary file
