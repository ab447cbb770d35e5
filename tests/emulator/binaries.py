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


def save_multipart_file(stream: BinaryIO, boundary: bytes, field: str, directory: str) -> Optional[str]:
    """Stream the part named ``field`` of a multipart body into a new file.

    Returns the file's path, or ``None`` when the body has no such part.
    Memory stays bounded by the read size whatever the file size.
    """
    delimiter = b"--" + boundary
    buf = b""

    def fill(minimum: int) -> bool:
        nonlocal buf
        while len(buf) < minimum:
            chunk = stream.read(BLOCK)
            if not chunk:
                return False
            buf += chunk
        return True

    # Preamble up to the first delimiter.
    while True:
        index = buf.find(delimiter)
        if index >= 0:
            buf = buf[index + len(delimiter):]
            break
        keep = len(delimiter)
        buf = buf[-keep:]
        if not fill(len(buf) + 1):
            raise MultipartError("multipart body has no boundary")

    saved = None
    while True:
        fill(2)
        if buf.startswith(b"--"):
            return saved  # closing delimiter
        # Part headers.
        while b"\r\n\r\n" not in buf:
            if len(buf) > 64 * 1024 or not fill(len(buf) + 1):
                raise MultipartError("multipart part headers are malformed")
        raw_headers, buf = buf.split(b"\r\n\r\n", 1)
        name = None
        for line in raw_headers.split(b"\r\n"):
            if line.lower().startswith(b"content-disposition:"):
                for param in line.split(b";")[1:]:
                    key, _sep, value = param.strip().partition(b"=")
                    if key.lower() == b"name":
                        name = value.strip(b'"').decode("utf-8", "replace")
        part_end = b"\r\n" + delimiter
        out = None
        path = None
        if name == field and saved is None:
            fd, path = tempfile.mkstemp(prefix="upload-", suffix=".mmp", dir=directory)
            out = os.fdopen(fd, "wb")
        try:
            while True:
                index = buf.find(part_end)
                if index >= 0:
                    if out:
                        out.write(buf[:index])
                    buf = buf[index + len(part_end):]
                    break
                safe = len(buf) - len(part_end)
                if safe > 0:
                    if out:
                        out.write(buf[:safe])
                    buf = buf[safe:]
                if not fill(len(buf) + 1):
                    raise MultipartError("multipart body ended before its closing boundary")
        except BaseException:
            if out:
                out.close()
                os.unlink(path)
            raise
        if out:
            out.close()
            saved = path


def new_temp_dir() -> str:
    return tempfile.mkdtemp(prefix="mstr-emulator-")
