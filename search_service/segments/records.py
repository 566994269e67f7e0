"""A report's record, as a segment stores it (frames.py compresses it):
its fields, how it was read, why its doc_type is what it is and what
ingestion doubted (for the curator), and the outline of its sections (kind,
heading, subheadings, original text); the section texts themselves are
stored apart. Writer and reader side by side. A record written before
doc_type_reason and doubts existed has neither key: it reads as "" and no
doubts.
"""

from __future__ import annotations

from collections.abc import Iterable

from search_service.model import REPORT_FIELDS, Doubt, Report, ReportFields, Section


def report_record(report: Report) -> dict[str, object]:
    """A report's fields and section outline as stored in its segment."""
    return {
        **{name: getattr(report, name) for name in REPORT_FIELDS},
        "format": report.format,
        "encoding": report.encoding,
        "traditional": report.traditional,
        "doc_type_reason": report.doc_type_reason,
        "doubts": [{"field": d.field, "reason": d.reason} for d in report.doubts],
        "sections": [
            {"kind": s.kind, "heading": s.heading, "subheadings": list(s.subheadings), "original": s.original}
            for s in report.sections
        ],
    }


def record_fields(record: dict) -> ReportFields:
    """The report fields of a record."""
    return ReportFields(**{name: record.get(name) for name in REPORT_FIELDS})


def record_doubts(record: dict) -> tuple[Doubt, ...]:
    """The doubts of a record (none in a record written before they were kept)."""
    return tuple(Doubt(str(d["field"]), str(d["reason"])) for d in record.get("doubts") or ())


def record_report(record: dict, texts: Iterable[str]) -> Report:
    """The Report a record was written from, given its section texts in order."""
    sections = [
        Section(s["kind"], s["heading"], text, tuple(s["subheadings"]), s.get("original"))
        for s, text in zip(record["sections"], texts, strict=True)
    ]
    fields = {name: record.get(name) for name in (*REPORT_FIELDS, "format", "encoding")}
    return Report(
        **fields,
        sections=sections,
        traditional=bool(record.get("traditional")),
        doc_type_reason=str(record.get("doc_type_reason") or ""),
        doubts=record_doubts(record),
    )
