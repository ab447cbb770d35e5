# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package binaries: the emulator's own format, streaming and multipart upload.

An emulator package binary starts with the eight bytes every vendor-made
``.mmp`` starts with, then an emulator marker, a length-prefixed JSON header
(definition plus full object records, so an import can apply it) and
``paddingBytes`` of filler that make large-package tests possible. Only the
header is ever held in memory; the filler is generated block by block.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from typing import BinaryIO, Iterator, Optional

VENDOR_MAGIC = bytes.fromhex("0180befe7f063772")
EMULATOR_MARKER = b"MSTR-EMULATOR-PACKAGE/1\n"
PREFIX = VENDOR_MAGIC + EMULATOR_MARKER
BLOCK = 1024 * 1024


class CorruptBinary(ValueError):
    """An uploaded file that claims to be an emulator package but is damaged."""


def _header_bytes(header: dict) -> bytes:
    body = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return PREFIX + struct.pack(">Q", len(body)) + body


def binary_size(header: dict) -> int:
    return len(_header_bytes(header)) + int(header.get("paddingBytes", 0))


def _padding_block(seed: str) -> bytes:
    """A 1 MiB block derived from the package id: incompressible, repeatable."""
    digest = hashlib.sha256(seed.encode()).digest()
    out = bytearray()
    counter = 0
    while len(out) < BLOCK:
        out += hashlib.sha256(digest + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:BLOCK])


def iter_binary(header: dict, chunk_size: int = BLOCK) -> Iterator[bytes]:
    """Yield the binary of an emulator-made package, with bounded memory."""
    head = _header_bytes(header)
    for start in range(0, len(head), chunk_size):
        yield head[start:start + chunk_size]
    remaining = int(header.get("paddingBytes", 0))
    if remaining:
        block = _padding_block(header.get("packageId", ""))
        while remaining > 0:
            piece = block[:min(remaining, chunk_size, len(block))]
            remaining -= len(piece)
            yield piece


def iter_file(path: str, chunk_size: int = BLOCK) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(chunk_size)
            if not chunk:
                return
            yield chunk


def sha256_of(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def read_header(path: str) -> Optional[dict]:
    """Return the header of an emulator-made binary, ``None`` for a vendor-made one.

    Raises CorruptBinary when the file is not a package at all (it does not
    start with VENDOR_MAGIC, as every package does) or is an emulator binary
    whose size does not match its header (a truncated or padded upload).
    """
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        prefix = handle.read(len(PREFIX))
        if not prefix.startswith(VENDOR_MAGIC):
            raise CorruptBinary("the file is not a package (it starts with %s)" % (prefix[:8].hex() or "nothing"))
        if prefix != PREFIX:
            return None
        raw_len = handle.read(8)
        if len(raw_len) != 8:
            raise CorruptBinary("the package binary is truncated")
        (length,) = struct.unpack(">Q", raw_len)
        if length > 64 * 1024 * 1024:
            raise CorruptBinary("the package binary header is invalid")
        body = handle.read(length)
    if len(body) != length:
        raise CorruptBinary("the package binary is truncated")
    try:
        header = json.loads(body)
    except ValueError as exc:
        raise CorruptBinary("the package binary header is invalid") from exc
    expected = len(PREFIX) + 8 + length + int(header.get("paddingBytes", 0))
    if size != expected:
        raise CorruptBinary(
            "the package binary is truncated or damaged (%d bytes, expected %d)" % (size, expected))
    return header


class MultipartError(ValueError):
    pass


class _MultipartReader:
    """A multipart body read block by block: memory stays bounded by the read size whatever the part sizes."""

    def __init__(self, stream: BinaryIO, boundary: bytes):
        self.stream = stream
        self.delimiter = b"--" + boundary
        self.buf = b""

    def fill(self, minimum: int) -> bool:
        while len(self.buf) < minimum:
            chunk = self.stream.read(BLOCK)
            if not chunk:
                return False
            self.buf += chunk
        return True

    def skip_preamble(self):
        """Up to the first delimiter."""
        while True:
            index = self.buf.find(self.delimiter)
            if index >= 0:
                self.buf = self.buf[index + len(self.delimiter):]
                return
            self.buf = self.buf[-len(self.delimiter):]
            if not self.fill(len(self.buf) + 1):
                raise MultipartError("multipart body has no boundary")

    def at_end(self) -> bool:
        """The closing delimiter comes next."""
        self.fill(2)
        return self.buf.startswith(b"--")

    def part_name(self) -> Optional[str]:
        """Read the next part's headers: its form field name."""
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > 64 * 1024 or not self.fill(len(self.buf) + 1):
                raise MultipartError("multipart part headers are malformed")
        raw_headers, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return _field_name(raw_headers)

    def copy_part(self, out: Optional[BinaryIO]):
        """Copy the part's content into ``out`` (None: skip it), up to and with the next delimiter."""
        part_end = b"\r\n" + self.delimiter
        while True:
            index = self.buf.find(part_end)
            if index >= 0:
                _write(out, self.buf[:index])
                self.buf = self.buf[index + len(part_end):]
                return
            safe = len(self.buf) - len(part_end)
            if safe > 0:
                _write(out, self.buf[:safe])
                self.buf = self.buf[safe:]
            if not self.fill(len(self.buf) + 1):
                raise MultipartError("multipart body ended before its closing boundary")


def _write(out: Optional[BinaryIO], data: bytes):
    if out is not None:
        out.write(data)


def _field_name(raw_headers: bytes) -> Optional[str]:
    name = None
    for line in raw_headers.split(b"\r\n"):
        if line.lower().startswith(b"content-disposition:"):
            for param in line.split(b";")[1:]:
                key, _sep, value = param.strip().partition(b"=")
                if key.lower() == b"name":
                    name = value.strip(b'"').decode("utf-8", "replace")
    return name


def _save_part(reader: _MultipartReader, directory: str) -> str:
    fd, path = tempfile.mkstemp(prefix="upload-", suffix=".mmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            reader.copy_part(out)
    except BaseException:
        os.unlink(path)
        raise
    return path


def save_multipart_file(stream: BinaryIO, boundary: bytes, field: str, directory: str) -> Optional[str]:
    """Stream the part named ``field`` of a multipart body into a new file.

    Returns the file's path, or ``None`` when the body has no such part.
    Memory stays bounded by the read size whatever the file size.
    """
    reader = _MultipartReader(stream, boundary)
    reader.skip_preamble()
    saved = None
    while not reader.at_end():
        if reader.part_name() == field and saved is None:
            saved = _save_part(reader, directory)
        else:
            reader.copy_part(None)
    return saved


def new_temp_dir() -> str:
    return tempfile.mkdtemp(prefix="mstr-emulator-")
