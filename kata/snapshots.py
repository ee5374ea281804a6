"""Copies of the learner's files in ``.kata/snapshots/``, so that no work is ever lost.

Before each grading, every learner file (each lesson's ``*.py`` under ``lessons/``, outside
``.starter/``) that changed since its last snapshot is stored, content-addressed: the bytes
in ``objects/<sha1>``, and one line per snapshot in ``index.json`` (file, SHA-1, time, why).
At most ``KEEP`` snapshots taken before gradings are kept per file (the oldest go first, and
objects no snapshot names any more are deleted); those taken before a reset or a restore are
always kept. Code under grading that deletes a file therefore costs nothing:
``make restore LESSON=n`` lists the lesson's snapshots and brings back the latest one that
differs from the file as it is now, after taking a snapshot of that too (so a restore can be
undone the same way).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from . import manifest, state
from .manifest import ROOT, STARTER_DIR_NAME, Lesson

STORE = state.STATE_DIR / "snapshots"
INDEX = STORE / "index.json"
OBJECTS = STORE / "objects"
#: Snapshots taken before a grading, kept per file.
KEEP = 30
GRADING, RESET, RESTORE = "before grading", "before reset", "before restore"


@dataclass(frozen=True)
class Snapshot:
    path: str  #: the file, relative to the repository
    sha1: str
    when: float
    why: str

    def content(self) -> bytes:
        return (OBJECTS / self.sha1).read_bytes()

    def lines(self) -> int:
        return self.content().count(b"\n")


def learner_files() -> list[Path]:
    """Every file the learner writes: each lesson folder's ``*.py``, outside ``.starter/``."""
    files = []
    for lesson in manifest.lessons():
        folder = manifest.LESSONS_DIR / lesson.slug
        files.extend(path for path in sorted(folder.glob("*.py"))
                     if STARTER_DIR_NAME not in path.parts)
    return files


def _key(path: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) \
        else str(resolved)


def _load() -> list[Snapshot]:
    try:
        return [Snapshot(**entry) for entry in json.loads(INDEX.read_text())["snapshots"]]
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return []


def _save(snapshots: list[Snapshot]) -> None:
    STORE.mkdir(parents=True, exist_ok=True)
    data = {"snapshots": [snapshot.__dict__ for snapshot in snapshots]}
    tmp = INDEX.with_suffix(f".{time.monotonic_ns()}.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(INDEX)


def take(paths: list[Path] | None = None, why: str = GRADING) -> list[Path]:
    """Snapshot each file that changed since its last snapshot; returns the files that exist."""
    snapshots = _load()
    latest = {s.path: s.sha1 for s in snapshots}
    present, added = [], False
    for path in learner_files() if paths is None else paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        present.append(path)
        digest = hashlib.sha1(data).hexdigest()
        key = _key(path)
        if latest.get(key) == digest and why == GRADING:
            continue
        OBJECTS.mkdir(parents=True, exist_ok=True)
        stored = OBJECTS / digest
        if not stored.exists():
            stored.write_bytes(data)
        snapshots.append(Snapshot(key, digest, time.time(), why))
        added = True
    if added:
        _save(_pruned(snapshots))
    return present


def _pruned(snapshots: list[Snapshot]) -> list[Snapshot]:
    """Drop the oldest grading snapshots beyond ``KEEP`` per file, and unused objects."""
    kept: list[Snapshot] = []
    per_file: dict[str, int] = {}
    for snapshot in reversed(snapshots):
        if snapshot.why == GRADING:
            per_file[snapshot.path] = per_file.get(snapshot.path, 0) + 1
            if per_file[snapshot.path] > KEEP:
                continue
        kept.append(snapshot)
    kept.reverse()
    if len(kept) < len(snapshots):
        used = {snapshot.sha1 for snapshot in kept}
        for stored in OBJECTS.iterdir():
            if stored.name not in used:
                stored.unlink(missing_ok=True)
    return kept


def history(path: Path) -> list[Snapshot]:
    """The file's snapshots, newest first, one per distinct content (its latest)."""
    key, seen, found = _key(path), set(), []
    for snapshot in reversed(_load()):
        if snapshot.path == key and snapshot.sha1 not in seen and \
                (OBJECTS / snapshot.sha1).exists():
            seen.add(snapshot.sha1)
            found.append(snapshot)
    return found


def legacy_backups(lesson: Lesson) -> list[Path]:
    """Copies that ``make reset`` kept in ``.kata/backups/`` before snapshots existed."""
    folder = state.backups_dir() / lesson.slug
    return sorted(folder.glob(f"{lesson.module}-*.py"), reverse=True) if folder.is_dir() else []


def deleted(before: list[Path]) -> list[Path]:
    """Which of the files that existed before grading are gone now."""
    return [path for path in before if not path.exists()]
