"""Fixes to whoosh-reloaded 2.7.5, which we pin and treat as frozen code we own.

Each fix replaces one method with a corrected copy, is applied once when the search
package is imported, and has a test (tests/core/search/test_whoosh_fixes.py) that fails
if the pinned version changes under it.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from hashlib import md5
from itertools import groupby
from operator import itemgetter
from pickle import dumps
from typing import Any

from whoosh import fields, formats, writing
from whoosh.codec import base, whoosh3
from whoosh.filedb import filestore, filetables, structfile
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

_APPLIED = False


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """W3PerDocReader._cached_reader, remembering fields that have no column.

    The original caches only the readers it finds: for a field without a lengths column
    (ids, tags, the spelling words) it asks the file system whether the column file
    exists again for every posting it writes — one stat() call per posting, a third of
    the time an index commit took.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


class _ViewStream:
    """A read-only file over a memory view, without copying it.

    BufferFile (a file inside a compound segment: a view of the memory-mapped segment)
    wrapped its buffer in ``BytesIO(buf)``, and BytesIO copies: every open reader held a
    private copy of its whole segment — the index twice over in RAM while a new searcher
    replaced the old one (1.6 GB at 100,000 articles), and a quarter of a second per
    50 MB to open. Reads here copy only the bytes asked for.
    """

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf: Any) -> None:
        self._buf = buf
        self._pos = 0

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        if end <= start:
            return b""
        self._pos = end
        return bytes(self._buf[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        limit = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        pos = start
        while pos < limit:
            chunk = bytes(self._buf[pos : min(pos + 256, limit)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                pos += newline + 1
                break
            pos += len(chunk)
        self._pos = pos
        return bytes(self._buf[start:pos])

    def __iter__(self) -> Any:
        while line := self.readline():
            yield line

    def close(self) -> None:
        pass


def _buffer_file_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.file = _ViewStream(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


class _CountingWriter:
    """A file being written, that knows its position without asking the system.

    The posting and term writers ask ``tell()`` several times per distinct word of a
    segment; on a buffered file each is an ``lseek`` system call — measured at a tenth of
    all indexing time (py-spy, 4,000 articles). Writes are sequential, so counting the
    bytes written is exact; a ``seek`` asks the file again.
    """

    __slots__ = ("_file", "_pos")
    _pos: int

    def __init__(self, fileobj: Any) -> None:
        self._file = fileobj
        self._pos = fileobj.tell()

    def write(self, data: Any) -> int:
        written: int = self._file.write(data)
        self._pos += written
        return written

    def tell(self) -> int:
        return int(self._pos)

    def seek(self, *args: Any) -> int:
        result: int = self._file.seek(*args)
        self._pos = self._file.tell()
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def __iter__(self) -> Any:
        return iter(self._file)


_original_create_file = filestore.FileStorage.create_file


def _create_file(self: Any, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
    f = _original_create_file(self, name, excl=excl, mode=mode, **kwargs)
    if mode == "wb":
        f.file = _CountingWriter(f.file)
    return f


# -- indexing speed ----------------------------------------------------------------------
#
# Adding a document and committing a segment were one Python call chain per word and per
# posting. The copies below do the same work per document and per term, and write the
# same bytes: a test builds an index with and without them and compares every file.

_original_field_index = fields.FieldType.index


def _text_index(self: Any, value: Any, **kwargs: Any) -> Any:
    """TEXT.index: an analyser that can make a field's postings itself does.

    The generic path (``Positions.word_values`` over the analyser's tokens, then each
    term encoded by ``FieldType.index``) runs three generators per word;
    :meth:`reader.core.search.analysis.EnglishTextAnalyzer.index_terms` gives the same
    list in one loop. Anything else (other formats or analysers, lists of words, extra
    arguments) takes the original path.
    """
    if not kwargs and isinstance(value, str) and type(self.format) is formats.Positions:
        index_terms = getattr(self.analyzer, "index_terms", None)
        if index_terms is not None:
            return index_terms(value, self.format.field_boost)
    return _original_field_index(self, value, **kwargs)


class _GroupedPostings:
    """The pool's postings in order, already grouped by term.

    PostingPool sorted every posting (a tuple of five) to bring each term's postings
    together — a tenth of a commit. Postings arrive document by document, so grouping
    them by (field, term) in a dict and sorting only the distinct terms gives the same
    order (each term's few postings are sorted too, in case they did not arrive in
    order). Iterating gives the postings one by one, as ``sorted()`` did.
    """

    __slots__ = ("_items",)

    def __init__(self, items: list[Any]) -> None:
        self._items = items

    def groups(self) -> Iterator[tuple[str, bytes, list[Any]]]:
        by_term: dict[tuple[str, bytes], list[Any]] = {}
        get = by_term.get
        for item in self._items:
            key = item[:2]
            found = get(key)
            if found is None:
                by_term[key] = [item]
            else:
                found.append(item)
        for key in sorted(by_term):
            postings = by_term[key]
            if len(postings) > 1:
                postings.sort()
            yield key[0], key[1], postings

    def __iter__(self) -> Iterator[Any]:
        for _fieldname, _btext, postings in self.groups():
            yield from postings


def _iter_postings(self: Any) -> Any:
    """PostingPool.iter_postings: grouped in memory when nothing was spilled to disk."""
    if self.runs:
        return self.items()
    return _GroupedPostings(self.current)


_original_md5_hash = filetables.md5_hash


def _fast_md5_hash(key: bytes) -> int:
    """filetables.md5_hash without formatting the digest as hex and parsing it back
    (the low 32 bits of the digest read as a big-endian number: the same value)."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


#: Posting blocks whose pickle is shorter than this are stored as they are. Whoosh
#: compresses every block (it meant not to for blocks under 20 bytes, but overwrote the
#: decision); half the blocks of an index hold one or two postings, under 96 bytes, which
#: zlib makes longer, at 5-10 µs each. Readers follow the flag stored with each block.
COMPRESS_FROM = 96

_WHOOSH3_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC
_TERMINFO_STRUCT = whoosh3.W3TermInfo._struct
_KEY_VALUE_LENGTHS = filetables._lengths


def _term_groups(items: Any) -> Iterator[tuple[str, bytes, list[Any]]]:
    if isinstance(items, _GroupedPostings):
        return items.groups()
    return ((key[0], key[1], list(postings)) for key, postings in groupby(items, itemgetter(0, 1)))


def _add_postings(self: Any, schema: Any, lengths: Any, items: Any) -> None:
    """W3FieldWriter.add_postings (from codec/base.py FieldWriter.add_postings), one term
    at a time instead of one posting at a time.

    The original passes each posting through four calls (``add`` → ``add_posting``, and
    ``doc_field_length`` → a column read) and each term through a postings-writer object;
    this copy gathers a term's postings and writes its blocks and its term-index entry
    directly, with the field lengths read once per field. What it writes is what
    W3PostingsWriter._write_block, W3TermInfo.add_block/to_bytes and
    OrderedHashWriter.add write, byte for byte (a test compares whole segments), except
    that blocks under :data:`COMPRESS_FROM` bytes are not compressed. Codec settings
    this copy does not handle (inlined postings) take the original path.
    """
    codec = self._codec
    tindex = self._tindex
    if (
        codec._inlinelimit > 1
        or type(codec).postings_writer is not whoosh3.W3Codec.postings_writer
        or type(tindex) is not filetables.OrderedHashWriter
    ):
        base.FieldWriter.add_postings(self, schema, lengths, items)
        return

    blocklimit = codec._blocklimit
    compression = codec._compression
    postfile = self._postfile
    write = postfile.write
    tell = postfile.tell
    dbfile = tindex.dbfile
    buckets = tindex.buckets
    hashfn = tindex.hashfn
    positions = tindex.index
    has_lengths = bool(lengths)
    doccount = lengths.doc_count_all() if has_lengths else 0
    emptybytes = b""

    lastfn: str | None = None
    lasttext: bytes | None = None
    keyprefix = b""
    fixedsize: int | None = None
    field_lengths: list[Any] | None = None
    for fieldname, btext, postings in _term_groups(items):
        # The checks of the original, per term instead of per posting.
        if lastfn is not None and fieldname < lastfn:
            raise base.OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
        if fieldname == lastfn and lasttext and btext < lasttext:
            raise base.OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
        if fieldname != lastfn:
            if lastfn is not None:
                self.finish_field()
            fieldobj = schema[fieldname]
            self.start_field(fieldname, fieldobj)
            lastfn = fieldname
            lasttext = None
            keyprefix = pack_ushort(self._fieldid)
            fixedsize = fieldobj.format.fixed_value_size()
            field_lengths = None

        docnums = [p[2] for p in postings]
        if -1 in docnums:
            # The original's marker for spelling words: not postings.
            postings = [p for p in postings if p[2] != -1]
            if not postings:
                continue
            docnums = [p[2] for p in postings]
        lasttext = btext

        if has_lengths:
            if field_lengths is None:
                # What the original asks per posting (None for a length byte of 0).
                dfl = lengths.doc_field_length
                field_lengths = [dfl(d, fieldname) for d in range(doccount)]
            try:
                doclengths = [field_lengths[d] for d in docnums]
            except IndexError:
                doclengths = [lengths.doc_field_length(d, fieldname) for d in docnums]
        else:
            doclengths = [0] * len(docnums)
        weights = [p[3] for p in postings]

        # W3PostingsWriter: blocks of `blocklimit` postings, the last one marked.
        startoffset = tell()
        parts = [_WHOOSH3_MAGIC]
        total_weight: Any = 0
        minlength: Any = None
        maxlength: Any = 0
        maxweight: Any = 0
        count = len(docnums)
        for start in range(0, count, blocklimit):
            end = start + blocklimit
            ids = docnums[start:end]
            block_weights = array("f", weights[start:end])
            block_values = [p[4] for p in postings[start:end] if p[4]]
            known = [n for n in doclengths[start:end] if n]
            block_minlength = min(known) if known else None
            block_maxlength = max(known) if known else 0
            top = max(weights[start:end])
            block_maxweight = top if top > 0 else 0

            # W3TermInfo.add_block
            total_weight += sum(block_weights)
            minlength = block_minlength if minlength is None else min(minlength, block_minlength)
            maxlength = max(maxlength, block_maxlength)
            maxweight = max(maxweight, block_maxweight)

            # _mini_ids, _mini_weights, _mini_values
            mini_ids = tuple([b - a for a, b in zip([0, *ids], ids, strict=False)])
            first = block_weights[0]
            mini_weights: Any
            if block_weights.count(first) == len(block_weights):
                mini_weights = None if first == 1.0 else first
            else:
                mini_weights = tuple(block_weights)
            mini_values: Any
            if fixedsize is None or fixedsize < 0:
                mini_values = tuple(block_values)
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = emptybytes.join(block_values)
            databytes = dumps((mini_ids, mini_weights, mini_values), 2)
            if compression and len(databytes) >= COMPRESS_FROM:
                databytes = zlib.compress(databytes, compression)
                block_compression = compression
            else:
                block_compression = 0
            infobytes = dumps(
                (
                    len(ids),
                    ids[-1],
                    block_maxweight,
                    block_compression,
                    length_to_byte(block_minlength),
                    length_to_byte(block_maxlength),
                ),
                2,
            )
            blocklength = len(infobytes) + len(databytes)
            if end >= count:
                blocklength = -blocklength
            parts.append(pack_int(blocklength))
            parts.append(infobytes)
            parts.append(databytes)
        postbytes = emptybytes.join(parts)
        write(postbytes)

        # W3TermInfo.to_bytes
        valbytes = (
            _TERMINFO_STRUCT.pack(
                False,
                total_weight,
                count,
                0 if minlength is None else length_to_byte(minlength),
                length_to_byte(maxlength),
                maxweight,
                docnums[0],
                docnums[-1],
            )
            + pack_long(startoffset)
            + pack_int(len(postbytes))
        )

        # OrderedHashWriter.add
        keybytes = keyprefix + btext
        if keybytes <= tindex.lastkey:
            raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{keybytes!r}")
        pos = dbfile.tell()
        positions.append(pos)
        dbfile.write(_KEY_VALUE_LENGTHS.pack(len(keybytes), len(valbytes)) + keybytes + valbytes)
        h = hashfn(keybytes)
        buckets[h & 255].append((h, pos))
        tindex.lastkey = keybytes


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    structfile.BufferFile.__init__ = _buffer_file_init
    filestore.FileStorage.create_file = _create_file
    fields.TEXT.index = _text_index
    writing.PostingPool.iter_postings = _iter_postings
    whoosh3.W3FieldWriter.add_postings = _add_postings
    filetables.md5_hash = _fast_md5_hash
    filetables._hash_functions = (_fast_md5_hash, *filetables._hash_functions[1:])
    _APPLIED = True
