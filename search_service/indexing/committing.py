"""Making a set of segments the live index: the commit point, the atomic
switch, the change log, and the removal of what no commit needs any more."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from search_service.errors import BuildFailed
from search_service.segments import toc
from search_service.segments.changelog import BuildChanges, append_build, diff_commits
from search_service.segments.format import (
    Commit,
    current_commit,
    fsync_dir,
    fsync_tree,
    new_name,
    read_commit,
    read_first_seen,
    read_manifest,
    switch_current,
    write_first_seen,
)
from search_service.segments.writer import write_commit_folder

log = logging.getLogger(__name__)

# Replaced commit points are kept this long after being replaced, so that a
# worker that opened one a moment before the switch can finish its request;
# their segments are kept as long as any kept commit names them.
KEEP_REPLACED_SECONDS = 600


def clean_leftovers(index_dir: Path) -> None:
    """Remove half-written segments and commits of killed builds, commits
    replaced more than KEEP_REPLACED_SECONDS ago, and segments that no
    remaining commit names. Call with the lock held."""
    live = current_commit(index_dir)
    now = time.time()
    for path in index_dir.iterdir():
        if path.name.startswith(toc.BUILDING_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(toc.COMMIT_PREFIX) and path.is_dir() and path != live:
            if now - path.stat().st_mtime > KEEP_REPLACED_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{toc.CURRENT}.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
    named: set[str] = set()
    for path in index_dir.iterdir():
        if path.name.startswith(toc.COMMIT_PREFIX) and path.is_dir():
            try:
                named.update(s.name for s in read_commit(path).segments)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a commit of another format names no segment
    for path in index_dir.iterdir():
        if path.name.startswith(toc.SEGMENT_PREFIX) and path.is_dir() and path.name not in named:
            shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class Previous:
    """What a build needs of the commit it replaces to log its changes and
    keep first_seen times: {source: report_id} and {report_id: time}."""

    sources: dict[str, str] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, live: Path | None) -> Previous:
        """Read from the live commit; empty when there is none. An
        unreadable one counts as empty (its reports are then logged as
        added again, with new times), which must not stop the build."""
        if live is None:
            return cls()
        try:
            manifest = read_manifest(live)
            sources = {source: str(entry["report_id"]) for source, entry in manifest.items() if "report_id" in entry}
            return cls(sources, read_first_seen(live))
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            log.warning("the live index %s cannot be compared with: %s", live, exc)
            return cls()


def changes_since(previous: Previous, manifest: dict[str, dict[str, object]]) -> BuildChanges:
    current = {source: str(entry["report_id"]) for source, entry in manifest.items() if "report_id" in entry}
    return diff_commits(previous.sources, current, previous.first_seen, dt.datetime.now(dt.timezone.utc))


def commit_and_switch(
    index_dir: Path, commit: Commit, info: dict[str, object], first_seen: dict[str, str]
) -> tuple[str, dict[str, object]]:
    """Write a commit point naming commit's segments (already in place),
    and make it the live one. Returns its name and meta. Write errors
    become BuildFailed; whatever fails leaves the served index as it was."""
    name = new_name(toc.COMMIT_PREFIX)
    building = index_dir / f"{toc.BUILDING_PREFIX}{name}"
    building.mkdir()
    try:
        meta = write_commit_folder(building, commit, info)
        write_first_seen(building, first_seen)
        fsync_tree(building)
        _switch_to(index_dir, building, name)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise BuildFailed(f"could not write the index in {index_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return name, meta


def _switch_to(index_dir: Path, building: Path, name: str) -> None:
    """Rename the finished commit into place and make it the live one."""
    final = index_dir / name
    os.rename(building, final)
    fsync_dir(index_dir)
    previous = current_commit(index_dir)
    switch_current(index_dir, final)
    if previous is not None:
        os.utime(previous)  # start its grace period now


def log_changes(index_dir: Path, changes: BuildChanges) -> None:
    """Append the build to the change log. The new commit is already
    live: a failure here is reported, not undone."""
    path = index_dir / toc.CHANGES
    try:
        append_build(path, changes)
    except OSError as exc:
        raise BuildFailed(
            f"the new index is live, but its change log {path} could not be written: {exc.strerror or exc}"
        ) from exc
