"""Tables stored in pages decoded only when used, for records too big to read whole
(genai_cli.reference.termlookup: 100,000 terms make a ~60 MB record)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from genai_cli.knowledge.codec import _need, dumps, loads


def _page_of(key: str, count: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % count


def encode_pages(
    tables: Mapping[str, Mapping[str, Any]],
    extra: Any,
    per_page: Mapping[str, int] | None = None,
) -> bytes:
    """Tables of key → JSON value, split into pages by a hash of the key, plus ``extra``.

    Read back with :class:`Pages`, which decodes only the pages a lookup needs: with
    100,000 terms, one lookup reads a few kilobytes of a ~60 MB record.
    """
    index: dict[str, list[Any]] = {}
    parts: list[bytes] = []
    offset = 0
    for name, table in tables.items():
        count = max(1, len(table) // (per_page or {}).get(name, 256))
        pages: list[dict[str, Any]] = [{} for _ in range(count)]
        for key, value in table.items():
            pages[_page_of(key, count)][key] = value
        spans = []
        for page in pages:
            data = dumps(page)
            spans.append([offset, len(data), zlib.crc32(data)])
            parts.append(data)
            offset += len(data)
        index[name] = [len(table), spans]
    head = dumps([index, extra])
    return len(head).to_bytes(8, "big") + head + b"".join(parts)


class Pages:
    """The tables of :func:`encode_pages`, each page checked (CRC-32) when first read."""

    paged = True

    def __init__(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        split = 8 + int.from_bytes(view[:8], "big")
        _need(split <= len(view))
        self.index, self.extra = loads(view[8:split])
        _need(isinstance(self.index, dict))
        self._body = view[split:]
        self._pages: dict[tuple[str, int], dict[str, Any]] = {}

    def count(self, table: str) -> int:
        return int(self.index[table][0])

    def _page(self, table: str, number: int, keep: bool = True) -> dict[str, Any]:
        found = self._pages.get((table, number))
        if found is None:
            start, length, crc = self.index[table][1][number]
            data = self._body[start : start + length]
            _need(len(data) == length and zlib.crc32(data) == crc, "damaged page")
            found = loads(data)
            _need(isinstance(found, dict))
            if keep:
                self._pages[(table, number)] = found
        return found

    def get(self, table: str, key: str, keep: bool = True) -> Any:
        """The value of ``key``; ``keep=False`` does not keep its page decoded (memory)."""
        spans = self.index[table][1]
        return self._page(table, _page_of(key, len(spans)), keep).get(key)

    def items(self, table: str) -> list[tuple[str, Any]]:
        """Every key and value of ``table`` (reads all its pages)."""
        out: list[tuple[str, Any]] = []
        for number in range(len(self.index[table][1])):
            out += self._page(table, number).items()
        return out
