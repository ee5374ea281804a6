"""The learner's local state in ``.kata/`` (never committed): hints seen, last results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .manifest import ROOT

STATE_DIR = ROOT / ".kata"
STATE_FILE = STATE_DIR / "state.json"


def load() -> dict[str, Any]:
    try:
        return json.loads(STATE_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save(state: dict[str, Any]) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    tmp = STATE_FILE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
    tmp.replace(STATE_FILE)


def update(section: str, key: str, value: Any) -> None:
    state = load()
    state.setdefault(section, {})[key] = value
    save(state)


def backups_dir() -> Path:
    return STATE_DIR / "backups"
