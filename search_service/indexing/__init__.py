"""Building and updating the index, along the flow: parsing workers
(parsing.py), segments and the commit (committing.py, segments/), build,
update and merge (building.py) and how they run (options.py), one writer at
a time (lock.py)."""

from search_service.indexing.building import BuildSummary, build_index, load_reports, merge_index, update_index
from search_service.indexing.committing import KEEP_REPLACED_SECONDS, clean_leftovers
from search_service.indexing.lock import writer_lock
from search_service.indexing.options import BuildOptions
from search_service.indexing.parsing import _parse_one, parse_sources
from search_service.indexing.parsing import with_preamble as _with_preamble
from search_service.segments.writer import write_commit_point

__all__ = [
    "KEEP_REPLACED_SECONDS",
    "BuildOptions",
    "BuildSummary",
    "_parse_one",
    "_with_preamble",
    "build_index",
    "clean_leftovers",
    "load_reports",
    "merge_index",
    "parse_sources",
    "update_index",
    "write_commit_point",
    "writer_lock",
]
