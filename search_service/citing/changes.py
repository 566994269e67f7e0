"""What the builds after a given time added, changed and removed, folded
into one answer for a syncing tool (`changes_since`), from the change log
(segments/changelog.py: what each build added, changed and removed).

Folded over several builds, per id, from its state at `since` to its state
after the last build:

- absent, then present: added, or changed when one of its files existed at
  `since` (added then changed is added: the tool never saw the older one);
- present, then absent: removed (changed then removed is removed);
- absent, then absent (added then removed): not listed;
- present, then present again (removed then added back): changed, since the
  report left the index and re-entered it (its first_seen time, and so its
  place in a feed, is new; its file may be another).

So a tool that applied the answer (drop `removed`, fetch `added` and
`changed`) holds what the index holds, and `until` is the `since` of its
next call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from search_service.segments.changelog import LOG_NAME, LoggedBuild, iso_time, parse_time, read_log, utc

# The change log's names the callers of the fold read along with it.
__all__ = ["LOG_NAME", "Changes", "changes_since", "fold", "iso_time", "parse_time"]


@dataclass(frozen=True)
class Changes:
    """The net effect of the builds after `since` (see the module's
    docstring). `until` is the time of the last build in the log (None when
    there is none); `complete` is False when the log starts after `since`
    with a build over an index that already held reports (an index older
    than the log), so changes before that build are unknown."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    until: datetime | None = None
    complete: bool = True


def changes_since(log_path: Path, since: datetime) -> Changes:
    """What the builds after `since` (strictly) added, changed and removed,
    each list sorted."""
    return fold(read_log(log_path), since)


def fold(builds: list[LoggedBuild], since: datetime) -> Changes:
    """changes_since over builds already read."""
    since = utc(since)
    later = [build for build in builds if build.built_at > since]
    complete = not builds or builds[0].built_at <= since or builds[0].previous_reports == 0
    source_existed: dict[str, bool] = {}  # a file's state at since, from its first new/gone event
    first_in: dict[str, bool] = {}  # report_id -> present at since (its first event is a removal)
    last_in: dict[str, bool] = {}  # report_id -> present after the last build
    last_sources: dict[str, list[str]] = {}
    for build in later:
        for source in build.new_sources:
            source_existed.setdefault(source, False)
        for source in build.gone_sources:
            source_existed.setdefault(source, True)
        for report_id in build.removed:
            first_in.setdefault(report_id, True)
            last_in[report_id] = False
        for entries in (build.added, build.changed):
            for report_id, sources in entries.items():
                first_in.setdefault(report_id, False)
                last_in[report_id] = True
                last_sources[report_id] = sources
    added, changed, removed = [], [], []
    for report_id, present_now in last_in.items():
        present_then = first_in[report_id]
        if present_then and not present_now:
            removed.append(report_id)
        elif present_then and present_now:
            changed.append(report_id)
        elif present_now:
            # A file with no new/gone event in the window existed throughout.
            if any(source_existed.get(source, True) for source in last_sources[report_id]):
                changed.append(report_id)
            else:
                added.append(report_id)
    return Changes(
        added=sorted(added),
        changed=sorted(changed),
        removed=sorted(removed),
        until=builds[-1].built_at if builds else None,
        complete=complete,
    )
