"""The shapes a chunk of records takes between reading and writing.

A *record* is what is accepted or rejected as a whole; rows shared by two records tie their fates
together (`Groups`, a union-find over the chunk's record numbers).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from services.hsds.sources import Origin, Record
from services.hsds.spec import Table


class Groups:
    """Union-find over records: rows shared by two records tie their fates together."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def add(self, item: int) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass
class Row:
    table: Table
    raw: dict[str, Any]
    origin: Origin
    group: int
    id: uuid.UUID | None = None
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, uuid.UUID | None] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    flat: bool = False


@dataclass
class ReadChunk:
    size: int
    rows: dict[tuple[str, Any], Row]
    groups: Groups
    rejected: set[int]
    problems: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Deferred:
    table: Table
    row_id: uuid.UUID
    column: str
    target_table: str
    target: uuid.UUID
    origin: Origin


class RowInvalid(Exception):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def chunked(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
