"""The documents a curator should look at (issue 22): those whose
classification, year, unit or place ingestion decided on weak evidence
(model.Doubt), with the reasons, until the source folder's manifest settles
them at the next update.

Found and counted from the index's per-report doubt bits
(segments/format.doubt_bits, `OpenIndex.doubts`), never by reading every
record: a request costs a few passes over one small array per report (2 MB
at 1,000,000 reports), kept per commit, and only the page's records are
read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from search_service.model import DOC_TYPES, DOUBT_FIELDS, Doubt
from search_service.search import OpenIndex
from search_service.segments.format import doubt_bit
from search_service.segments.records import record_doubts, record_fields

# The columns of manifest.csv before the fields: the file, as the source
# folder names it ("/"-separated, relative).
MANIFEST_FILE_COLUMN = "file"


@dataclass(frozen=True)
class CurationRequest:
    """What a curation list asks for (GET /api/v1/curation, /curation and
    the `curation` command read their parameters into it)."""

    field: str | None = None  # only documents doubted on this field of DOUBT_FIELDS; None: any
    doc_type: str = "all"  # annual_report, other or all
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class DoubtView:
    """One doubt of a listed document, with what the rules decided for
    the field (None: nothing)."""

    field: str
    reason: str
    value: str | int | None


@dataclass(frozen=True)
class CurationItem:
    """One document in doubt."""

    report_id: str
    source: str  # the file, relative to the source folder: the manifest's `file`
    label: str
    doc_type: str
    doc_type_reason: str
    doubts: tuple[DoubtView, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields in doubt, in their order (model.DOUBT_FIELDS first)."""
        return tuple(dict.fromkeys(d.field for d in self.doubts))


@dataclass(frozen=True)
class CurationList:
    """One page of the documents in doubt under a request's field and
    doc_type, their total, the counts under the doc_type alone (in all and
    per field, so that each says what choosing that field gives), and the
    header of a manifest.csv settling the fields in doubt there
    (manifest_columns)."""

    request: CurationRequest
    total: int  # documents in doubt under the request's field and doc_type
    documents: int  # documents in doubt under its doc_type alone (about any field)
    by_field: dict[str, int]
    items: tuple[CurationItem, ...]

    @property
    def manifest_columns(self) -> list[str]:
        return manifest_columns([name for name, count in self.by_field.items() if count])


def _doc_type_mask(index: OpenIndex, doc_type: str) -> np.ndarray | None:
    """The documents of a doc_type choice (None: all of them)."""
    if doc_type == "all":
        return None
    return index.reports.doc_type == DOC_TYPES.index(doc_type)


def in_doubt(index: OpenIndex, field: str | None = None, doc_type: str = "all") -> np.ndarray:
    """The ordinals (in source order) of the documents in doubt: about
    `field` (any field when None), of `doc_type` (annual_report, other or
    all). Kept per commit."""

    def compute() -> np.ndarray:
        bits = index.doubts
        mask = bits != 0 if field is None else (bits & doubt_bit(field)) != 0
        kind = _doc_type_mask(index, doc_type)
        if kind is not None:
            mask &= kind
        return np.flatnonzero(mask)

    return index.kept(("curation", field, doc_type), compute)


def doubt_counts(index: OpenIndex, doc_type: str = "all") -> dict[str, int]:
    """How many documents (of the doc_type choice) are in doubt about each
    field of model.DOUBT_FIELDS."""
    bits = index.doubts[in_doubt(index, None, doc_type)]
    return {name: int(np.count_nonzero(bits & doubt_bit(name))) for name in DOUBT_FIELDS}


def curation_items(index: OpenIndex, ordinals: Sequence[int] | np.ndarray) -> Iterator[CurationItem]:
    """The documents of ordinals as the curator sees them (each record read)."""
    for ordinal in ordinals:
        record = index.records[int(ordinal)]
        fields = record_fields(record)
        doubts = sorted(record_doubts(record), key=_field_order)
        yield CurationItem(
            report_id=fields.report_id,
            source=fields.source,
            label=fields.label,
            doc_type=fields.doc_type,
            doc_type_reason=str(record.get("doc_type_reason") or ""),
            doubts=tuple(DoubtView(d.field, d.reason, record.get(d.field)) for d in doubts),
        )


def _field_order(doubt: Doubt) -> int:
    return DOUBT_FIELDS.index(doubt.field) if doubt.field in DOUBT_FIELDS else len(DOUBT_FIELDS)


def curation_list(index: OpenIndex, request: CurationRequest | None = None) -> CurationList:
    """One page of the documents in doubt (source order), their total and
    the counts per field; a page past the end has no items."""
    request = request or CurationRequest()
    found = in_doubt(index, request.field, request.doc_type)
    start = (request.page - 1) * request.per_page
    return CurationList(
        request=request,
        total=len(found),
        documents=len(in_doubt(index, None, request.doc_type)),
        by_field=doubt_counts(index, request.doc_type),
        items=tuple(curation_items(index, found[start : start + request.per_page])),
    )


def manifest_columns(fields: Sequence[str]) -> list[str]:
    """The header of a manifest.csv settling `fields`: file, then those of
    model.DOUBT_FIELDS among them, in that order."""
    chosen = set(fields)
    return [MANIFEST_FILE_COLUMN, *(name for name in DOUBT_FIELDS if name in chosen)]


def manifest_line(source: str, columns: Sequence[str]) -> str:
    """A manifest.csv row for one file under `columns` (manifest_columns):
    the file filled in (quoted as CSV needs), every field left for the
    curator; an empty cell overrides nothing, so a doubt stays until a value
    is written."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([source, *("" for _ in columns[1:])])
    return out.getvalue()


def manifest_header(columns: Sequence[str]) -> str:
    return ",".join(columns)


def curation_summary(index: OpenIndex) -> dict[str, object]:
    """How many documents (of any doc_type) are in doubt, and how many about
    each field: what `index stats` tells."""
    return {"documents": len(in_doubt(index)), "by_field": doubt_counts(index)}
