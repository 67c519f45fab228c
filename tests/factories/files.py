"""Files built byte by byte for upload and import tests: PDFs, workbooks, zip archives.

Hand-built rather than written by a library, so a test controls exactly what a hostile
file contains (names with ``#xx`` escapes, objects inside compressed object streams,
archive members whose declared sizes lie).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

CATALOG = b"<< /Type /Catalog /Pages 2 0 R%s >>"
PAGES = b"<< /Type /Pages /Kids [%s] /Count %d >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]%s >>"


def pdf(
    catalog: bytes = b"",
    page: bytes = b"",
    objects: Sequence[bytes] = (),
    *,
    pages: int = 1,
    compressed: bool = False,
    trailer: bytes = b"",
) -> bytes:
    """A valid PDF: catalogue (object 1), page tree (2), ``pages`` pages (3 …), then
    ``objects``, numbered on. ``catalog`` and ``page`` add entries to the catalogue and
    to every page. ``compressed`` puts every object into a Flate-compressed object
    stream indexed by a cross-reference stream (PDF 1.5), as most PDF writers do.
    """
    first_extra = 3 + pages
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    bodies = [
        CATALOG % (b" " + catalog if catalog else b""),
        PAGES % (kids, pages),
        *[PAGE % (b" " + page if page else b"") for _ in range(pages)],
        *objects,
    ]
    assert len(bodies) == first_extra - 1 + len(objects)
    if compressed:
        return _compressed_pdf(bodies, trailer)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(bodies) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _compressed_pdf(bodies: list[bytes], trailer: bytes) -> bytes:
    # Offsets of each object inside the stream, relative to /First.
    parts, offset = [], 0
    for body in bodies:
        parts.append(offset)
        offset += len(body) + 1
    header = b" ".join(
        b"%d %d" % (number, part) for number, part in enumerate(parts, start=1)
    )
    content = b"\n".join(bodies) + b"\n"
    data = zlib.compress(header + b"\n" + content)
    stream_number = len(bodies) + 1
    xref_number = len(bodies) + 2
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode "
        b"/Length %d >>\nstream\n"
        % (stream_number, len(bodies), len(header) + 1, len(data))
    )
    out += data + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, stream_number, i) for i in range(len(bodies))]
    rows += [struct.pack(">BIH", 1, stream_offset, 0)]
    rows += [struct.pack(">BIH", 1, xref_offset, 0)]
    table = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R%s "
        b"/Filter /FlateDecode /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, trailer, len(table))
    )
    out += table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def zip_archive(
    members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A zip archive of ``members`` (name → content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def declare_size(archive: bytes, member: str, size: int) -> bytes:
    """``archive`` with the uncompressed size of ``member`` in its central directory
    (and local header) replaced by ``size``: a lie the file's data does not back."""
    data = bytearray(archive)
    name = member.encode()
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name:
            struct.pack_into("<I", data, position + 24, size)
            local = struct.unpack_from("<I", data, position + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
            return bytes(data)
        position = data.find(b"PK\x01\x02", position + 4)
    raise ValueError(f"no member {member!r} in the archive")
