"""Our exceptions. Core code raises these; the API maps them to the error
envelope in one handler and the CLI to exit codes in one place."""

from __future__ import annotations


class SearchServiceError(Exception):
    """Base class: `code` is the machine-readable name in the error envelope."""

    code = "error"
    http_status = 500

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadQuery(SearchServiceError):
    """The query or a parameter cannot be answered as given."""

    code = "bad_request"
    http_status = 400


class ReportNotFound(SearchServiceError):
    code = "not_found"
    http_status = 404


class IndexMissing(SearchServiceError):
    """No usable index at the configured location (never built, or removed)."""

    code = "index_missing"
    http_status = 503


class IndexIncompatible(SearchServiceError):
    """The index was built with another tokenizer, dictionary or format."""

    code = "index_incompatible"
    http_status = 503


class IndexLocked(SearchServiceError):
    """Another build or update holds the index's writer lock."""

    code = "index_locked"
    http_status = 503


class BuildFailed(SearchServiceError):
    """A build or update could not complete; the served index is unchanged."""

    code = "build_failed"


class UnreadableFile(SearchServiceError):
    """One source file cannot be turned into a report; the build goes on."""

    code = "unreadable_file"

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class BadSetting(SearchServiceError):
    """A setting from the environment that cannot be used."""

    code = "bad_setting"
