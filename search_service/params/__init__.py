"""Request parameters: the schemas that read a query string (or the CLI's
options) into the model's requests, their limits and how bad ones are
worded. The floor below the three front doors (api/, web/, cli/), which all
read them; it knows nothing of HTTP views, pages or commands.

This package only re-exports; each piece lives in the module named for it:

    query_string.py  QueryArgsSchema: a query string into a schema
    errors.py        invalid_parameters: bad parameters, worded once
    search.py        the search's filters, paging, q and sort (SearchRequest)
    analysis.py      coverage, follow-through, terms
    curation.py      the curation list
    citing.py        a citation, the changes since a time
"""

from __future__ import annotations

from search_service.params.analysis import (
    AnalysisArgsSchema,
    CoverageArgsSchema,
    FollowThroughArgsSchema,
    TermsArgsSchema,
    analysis_args_schema,
)
from search_service.params.citing import ChangesArgsSchema, CitationArgsSchema
from search_service.params.curation import CurationArgsSchema, curation_args_schema
from search_service.params.errors import invalid_parameters
from search_service.params.query_string import QueryArgsSchema
from search_service.params.search import (
    ExportArgsSchema,
    FeedArgsSchema,
    FilterArgsSchema,
    ReportListArgsSchema,
    SearchArgsSchema,
    TrendArgsSchema,
    search_args_schema,
)

__all__ = [
    "AnalysisArgsSchema",
    "ChangesArgsSchema",
    "CitationArgsSchema",
    "CoverageArgsSchema",
    "CurationArgsSchema",
    "ExportArgsSchema",
    "FeedArgsSchema",
    "FilterArgsSchema",
    "FollowThroughArgsSchema",
    "QueryArgsSchema",
    "ReportListArgsSchema",
    "SearchArgsSchema",
    "TermsArgsSchema",
    "TrendArgsSchema",
    "analysis_args_schema",
    "curation_args_schema",
    "invalid_parameters",
    "search_args_schema",
]
