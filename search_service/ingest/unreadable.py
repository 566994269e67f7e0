"""The one exception the reading modules raise.

Decoders and extractors do not know which source path they are working on;
they raise `Unreadable(reason)` and `reading.read_document` turns it into
`search_service.errors.UnreadableFile(source, reason)`.
"""

from __future__ import annotations


class Unreadable(Exception):
    """A file cannot give a report's text; `reason` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
