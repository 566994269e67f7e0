"""What researchers ask of the collection beyond "which reports mention X":
who reported on time with every part (coverage), whether plans were carried
out (follow-through), and which words set a result set apart (terms)."""

from search_service.analysis.coverage import (
    COVERAGE_CSV_COLUMNS,
    PARTS,
    REQUIRED_PARTS,
    Coverage,
    CoverageCell,
    CoverageReport,
    CoverageRow,
    UnitKey,
    YearTotals,
    coverage,
    coverage_csv_rows,
    deadline,
    on_time,
)
from search_service.analysis.follow_through import (
    AdjacentReports,
    AmbiguousUnit,
    FollowThrough,
    FollowThroughUnavailable,
    ReportSide,
    Term,
    adjacent_reports,
    follow_through,
)
from search_service.analysis.significant_terms import (
    SCORE_NAME,
    SignificantTerm,
    SignificantTerms,
    TermChange,
    YearComparison,
    jlh,
    significant_terms,
)
from search_service.analysis.word_presence import (
    WordPresence,
    load_word_presence,
    read_word_presence,
    word_presence,
)

__all__ = [
    "AdjacentReports",
    "AmbiguousUnit",
    "COVERAGE_CSV_COLUMNS",
    "Coverage",
    "CoverageCell",
    "CoverageReport",
    "CoverageRow",
    "FollowThrough",
    "FollowThroughUnavailable",
    "PARTS",
    "REQUIRED_PARTS",
    "ReportSide",
    "SCORE_NAME",
    "SignificantTerm",
    "SignificantTerms",
    "Term",
    "TermChange",
    "UnitKey",
    "WordPresence",
    "YearComparison",
    "YearTotals",
    "adjacent_reports",
    "coverage",
    "coverage_csv_rows",
    "deadline",
    "follow_through",
    "jlh",
    "load_word_presence",
    "on_time",
    "read_word_presence",
    "significant_terms",
    "word_presence",
]
