"""The change log: what each build added, changed and removed, and when
each report first entered the index, as the index folder keeps it
(`changes.jsonl`). Written by indexing/committing.py at every commit,
read by citing/changes.py, which folds it for a syncing tool.

A build (full or update) compares the previous commit point's {source:
report_id} with the new one's (`diff_commits`) and appends one line to the
change log, a JSON-lines file kept in the index folder beside the commit
points (`append_build`).

Report ids are content: an id present before and after a build is the same
report, wherever its file lies (a moved or duplicated file changes nothing
listed here). Per build:

- removed: ids no longer in the index (their file deleted, or changed into
  another report);
- changed: new ids whose file held another report before (that report's id
  is in removed);
- added: new ids whose files are all new.

The log is only ever appended to, one line per build, each written with a
single write and fsync'd. A crash can leave a torn last line: readers skip a
line that does not parse, and the next append starts on a fresh line.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from search_service.segments import toc
from search_service.segments.format import fsync_dir

log = logging.getLogger(__name__)

LOG_NAME = toc.CHANGES
# Bump when a record's shape changes; readers skip records of other versions.
LOG_VERSION = 1


def iso_time(moment: datetime) -> str:
    """A time as the log and first_seen keep it: ISO 8601 in UTC with
    microseconds, so that two builds in one second stay ordered."""
    return utc(moment).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (as iso_time writes, or as a client sends it); a time
    without offset is taken as UTC. ValueError when it is not one."""
    return utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class LoggedBuild:
    """What one build did, as its line in the log keeps it. Each map is
    report_id -> its files (sources): the files it has now for added and
    changed, the files it had for removed. `previous_reports` is the number
    of reports in the index the build started from."""

    built_at: datetime
    previous_reports: int
    added: dict[str, list[str]]
    changed: dict[str, list[str]]
    removed: dict[str, list[str]]
    new_sources: list[str]
    gone_sources: list[str]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class BuildChanges(LoggedBuild):
    """A build's log line and `first_seen`: the new commit point's report_id ->
    ISO time it entered the index, for every report in it (kept with the
    commit point, not in the log)."""

    first_seen: dict[str, str]


def _sources_by_id(commit: Mapping[str, str]) -> dict[str, list[str]]:
    by_id: dict[str, list[str]] = {}
    for source in sorted(commit):
        by_id.setdefault(commit[source], []).append(source)
    return by_id


def diff_commits(
    previous: Mapping[str, str],
    current: Mapping[str, str],
    first_seen: Mapping[str, str],
    built_at: datetime,
) -> BuildChanges:
    """Compare two commit points ({source: report_id} each) and carry the
    first_seen times over: a report kept keeps its time, a new one (or a
    kept one without a time, in an index older than this log) gets
    `built_at`."""
    before = _sources_by_id(previous)
    after = _sources_by_id(current)
    added: dict[str, list[str]] = {}
    changed: dict[str, list[str]] = {}
    for report_id, sources in after.items():
        if report_id in before:
            continue
        if any(source in previous for source in sources):
            changed[report_id] = sources
        else:
            added[report_id] = sources
    removed = {report_id: sources for report_id, sources in before.items() if report_id not in after}
    now = iso_time(built_at)
    kept_times = {
        report_id: first_seen.get(report_id, now) if report_id in before else now for report_id in sorted(after)
    }
    return BuildChanges(
        built_at=utc(built_at),
        added=added,
        changed=changed,
        removed=removed,
        new_sources=sorted(set(current) - set(previous)),
        gone_sources=sorted(set(previous) - set(current)),
        first_seen=kept_times,
        previous_reports=len(before),
    )


# --------------------------------------------------------------- the log


def _record(changes: BuildChanges) -> dict[str, object]:
    return {
        "v": LOG_VERSION,
        "time": iso_time(changes.built_at),
        "previous_reports": changes.previous_reports,
        "added": changes.added,
        "changed": changes.changed,
        "removed": changes.removed,
        "new_sources": changes.new_sources,
        "gone_sources": changes.gone_sources,
    }


def append_build(log_path: Path, changes: BuildChanges) -> None:
    """Append one build's line to the log and fsync it. Called by the one
    build that holds the index lock, so there is one writer at a time."""
    line = json.dumps(_record(changes), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
    created = not log_path.exists()
    fd = os.open(log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":  # a torn last line: start afresh
            line = b"\n" + line
        while line:
            line = line[os.write(fd, line) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(log_path.parent)


def read_log(log_path: Path) -> list[LoggedBuild]:
    """Every build in the log, in the order written; a missing log is
    empty. Lines that do not parse (a torn last line) are skipped."""
    try:
        data = log_path.read_bytes()
    except FileNotFoundError:
        return []
    builds = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if rec.get("v") != LOG_VERSION:
                continue
            builds.append(
                LoggedBuild(
                    built_at=parse_time(rec["time"]),
                    previous_reports=int(rec.get("previous_reports", 0)),
                    added=rec["added"],
                    changed=rec["changed"],
                    removed=rec["removed"],
                    new_sources=rec["new_sources"],
                    gone_sources=rec["gone_sources"],
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("%s line %d skipped: %s", log_path, number, error)
    return builds
