"""Structural checks of the file formats the toolkit downloads and reads.

Each check answers "is this file complete and of the expected kind?" without
reading it fully: a zip archive opens and its central directory lists its
members, an OpenStreetMap PBF file is a chain of blocks that ends exactly at
the end of the file, a JSON document parses. The checks return a description
of the problem (``None`` when the file looks complete), so the download code
and the readers raise their own error types with it.

The PBF layout (https://wiki.openstreetmap.org/wiki/PBF_Format): repeated
``[4-byte big-endian length][BlobHeader][Blob]``; ``BlobHeader`` holds the
block type (field 1) and the Blob's size (field 3); a Blob holds raw (field 1)
or zlib-compressed (field 3) or lzma-compressed (field 4) data; an
``OSMData`` block is a ``PrimitiveBlock`` whose groups (field 2) hold nodes
(1), dense nodes (2), ways (3) or relations (4).
"""

from __future__ import annotations

import json
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: The PBF specification's limits: BlobHeader < 64 KiB, Blob < 32 MiB.
PBF_MAX_HEADER_BYTES = 64 * 1024
PBF_MAX_BLOB_BYTES = 32 * 1024 * 1024

_GROUP_KINDS = {1: "nodes", 2: "nodes", 3: "ways", 4: "relations", 5: "changesets"}


class _Truncated(Exception):
    """A protobuf message ends inside a field."""


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise _Truncated
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Top-level protobuf fields ``(number, value)`` of a message (varints and byte strings)."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield number, value
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise _Truncated
            yield number, buf[pos:pos + size]
            pos += size
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise _Truncated


@dataclass(frozen=True)
class PbfLayout:
    """The block structure of a complete PBF file.

    Attributes
    ----------
    n_blocks : int
        Blocks including the header block.
    sorted_by_type : bool
        The header declares ``Sort.Type_then_ID`` (nodes, then ways, then
        relations), as Geofabrik extracts, osmium and osmconvert write.
    last_block_kinds : frozenset of str or None
        What the last data block holds (``"nodes"``, ``"ways"``,
        ``"relations"``); None when it uses a compression this check does not
        decode (lz4, zstd) or there is no data block.
    """

    n_blocks: int
    sorted_by_type: bool
    last_block_kinds: frozenset[str] | None


def pbf_layout(path: str | Path) -> PbfLayout | str:
    """Walk the blocks of an OSM PBF file without decoding them (only the header and last block).

    Returns
    -------
    PbfLayout or str
        The layout of a structurally complete file, or a description of why
        it is not one (truncated, not a PBF file, corrupt block header).
    """
    path = Path(path)
    size = path.stat().st_size
    n_blocks = 0
    sorted_by_type = False
    last_data: tuple[int, int] | None = None
    with open(path, "rb") as fh:
        pos = 0
        while pos < size:
            head = fh.read(4)
            if len(head) < 4:
                return f"truncated: {size - pos} stray byte(s) after block {n_blocks}"
            header_len = int.from_bytes(head, "big")
            if header_len == 0 or header_len > PBF_MAX_HEADER_BYTES:
                return (f"not an OSM PBF file (block {n_blocks + 1} at byte {pos} announces a "
                        f"{header_len}-byte header)")
            header = fh.read(header_len)
            if len(header) < header_len:
                return f"truncated inside the header of block {n_blocks + 1} (byte {pos})"
            try:
                fields = dict(_fields(header))
            except _Truncated:
                return f"corrupt header of block {n_blocks + 1} at byte {pos}"
            kind, data_size = fields.get(1), fields.get(3)
            if not isinstance(kind, bytes) or not isinstance(data_size, int):
                return f"corrupt header of block {n_blocks + 1} at byte {pos}"
            if data_size > PBF_MAX_BLOB_BYTES:
                return f"corrupt header of block {n_blocks + 1}: a {data_size}-byte block"
            start = pos + 4 + header_len
            end = start + data_size
            if end > size:
                return (f"truncated: block {n_blocks + 1} ends at byte {end} but the file has "
                        f"only {size} bytes")
            if n_blocks == 0:
                if kind != b"OSMHeader":
                    return "not an OSM PBF file (the first block is not an OSMHeader)"
                header_block = _blob_data(fh.read(data_size))
                sorted_by_type = header_block is not None and any(
                    number == 5 and value == b"Sort.Type_then_ID"
                    for number, value in _safe_fields(header_block))
            elif kind == b"OSMData":
                last_data = (start, data_size)
            n_blocks += 1
            pos = end
            fh.seek(pos)
        if n_blocks == 0:
            return "empty file"
        kinds = None
        if last_data is not None:
            fh.seek(last_data[0])
            block = _blob_data(fh.read(last_data[1]))
            if block is not None:
                kinds = frozenset(
                    _GROUP_KINDS.get(number, "other")
                    for field, group in _safe_fields(block) if field == 2 and isinstance(group, bytes)
                    for number, _ in _safe_fields(group))
    return PbfLayout(n_blocks, sorted_by_type, kinds)


def _safe_fields(buf: bytes) -> list[tuple[int, int | bytes]]:
    try:
        return list(_fields(buf))
    except _Truncated:
        return []


def _blob_data(blob: bytes) -> bytes | None:
    """The uncompressed content of a PBF Blob; None for unsupported compressions or corruption."""
    fields = dict(_safe_fields(blob))
    try:
        if isinstance(fields.get(1), bytes):
            return fields[1]
        if isinstance(fields.get(3), bytes):
            return zlib.decompress(fields[3])
        if isinstance(fields.get(4), bytes):
            return lzma.decompress(fields[4])
    except (zlib.error, lzma.LZMAError):
        return None
    return None


def pbf_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a complete OSM PBF file, or None.

    Besides the block chain, a file sorted by type (nodes, ways, relations)
    must end with relations: one whose last block holds nodes or ways was cut
    short at a block boundary.
    """
    layout = pbf_layout(path)
    if isinstance(layout, str):
        return layout
    kinds = layout.last_block_kinds
    if layout.sorted_by_type and kinds is not None and "relations" not in kinds:
        return (f"cut short: it is sorted by type, so it ends with relations, but its last "
                f"block holds {'/'.join(sorted(kinds))}")
    return None


def zip_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a complete zip archive (central directory readable, members listed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not a complete zip archive ({exc})"
    if not infos:
        return "an empty zip archive"
    size = Path(path).stat().st_size
    beyond = [i.filename for i in infos if i.header_offset + i.compress_size > size]
    if beyond:
        return f"zip member {beyond[0]} lies beyond the end of the file (truncated)"
    return None


def json_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a JSON document (UTF-8), or None."""
    try:
        json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"not a JSON document ({exc})"
    return None


def html_problem(path: str | Path) -> str | None:
    """A description when the file starts like an HTML page (an error page served with 200)."""
    with open(path, "rb") as fh:
        start = fh.read(512).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "an HTML page instead of the data (the server sent an error or login page)"
    return None
