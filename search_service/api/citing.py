"""JSON and text endpoints of citing and following (issue 15): a report's
or a paragraph's citation, and what the builds since a time changed. The
work is in search_service.citing; views only translate."""

from __future__ import annotations

import datetime as dt

from apispec import APISpec
from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError

from search_service.api.openapi_operations import query, responses
from search_service.api.schemas import ChangesSchema
from search_service.citing.changes import LOG_NAME, changes_since, iso_time, parse_time
from search_service.citing.citation import CITATION_MEDIA_TYPES, bibtex, citation, ris
from search_service.citing.paragraphs import paragraph_number, paragraphs
from search_service.params import ChangesArgsSchema, CitationArgsSchema, FeedArgsSchema
from search_service.service import current_index, settings

citing_api = Blueprint("citing_api", __name__)

_WRITERS = {"text": citation, "bibtex": bibtex, "ris": ris}


def base_url() -> str:
    """This service's root as the request reached it (http://host:port)."""
    return request.url_root.rstrip("/")


def today() -> dt.date:
    """The date consulted by default: today where the reports are (UTC+8),
    the date a reader in China would write."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


@citing_api.get("/api/v1/reports/<string:report_id>/citation")
def report_citation(report_id: str) -> Response:
    args = CitationArgsSchema().load_args(request.args)
    index = current_index()
    ordinal = index.ordinal(report_id)  # 404 for an unknown report
    paragraph = args["paragraph"]
    if paragraph is not None:
        number = paragraph_number(paragraph)
        count = len(paragraphs(index.report(ordinal)))
        if number > count:
            raise ValidationError(f"the report has {count} paragraphs (p1 to p{count}), not p{number}", "paragraph")
        paragraph = number
    text = _WRITERS[args["format"]](
        index.fields_of(ordinal), paragraph, consulted=args["consulted"] or today(), base_url=base_url()
    )
    if not text.endswith("\n"):
        text += "\n"
    return Response(text, content_type=CITATION_MEDIA_TYPES[args["format"]])


@citing_api.get("/api/v1/changes")
def changes() -> Response:
    args = ChangesArgsSchema().load_args(request.args)
    found = changes_since(settings().index_dir / LOG_NAME, parse_time(args["since"]))
    body = {
        "added": found.added,
        "changed": found.changed,
        "removed": found.removed,
        "until": iso_time(found.until) if found.until else None,
        "complete": found.complete,
    }
    return jsonify(ChangesSchema().dump(body))


def add_citing_paths(spec: APISpec) -> None:
    """The citation and the feed in the OpenAPI document: their answers are
    text, BibTeX, RIS and Atom rather than JSON (errors are JSON)."""
    citation_responses = responses("Error", "", "400", "404", "503")
    citation_responses["200"] = {
        "description": "the citation: GB/T 7714-2015 text with this service's link to the paragraph, or a "
        "BibTeX entry, or an RIS record",
        "content": {media.split(";")[0]: {"schema": {"type": "string"}} for media in CITATION_MEDIA_TYPES.values()},
    }
    spec.path(
        path="/api/v1/reports/{report_id}/citation",
        operations={
            "get": {
                "summary": "Cite a report or one of its paragraphs",
                "operationId": "getCitation",
                "parameters": [
                    {"in": "path", "name": "report_id", "required": True, "schema": {"type": "string"}},
                    *query(CitationArgsSchema),
                ],
                "responses": citation_responses,
            }
        },
    )
    feed_responses = responses("Error", "", "400", "503")
    feed_responses["200"] = {
        "description": "Atom 1.0: the newest matching reports by the time each entered the index",
        "content": {"application/atom+xml": {"schema": {"type": "string"}}},
    }
    spec.path(
        path="/feeds/search.atom",
        operations={
            "get": {
                "summary": "Follow a search: an Atom feed of its newest matching reports",
                "operationId": "searchFeed",
                "parameters": query(FeedArgsSchema),
                "responses": feed_responses,
            }
        },
    )
