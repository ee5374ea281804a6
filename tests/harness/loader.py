"""Import one implementation file in isolation, so many can be graded side by side.

The learner's module, the reference and each catalogue entry are loaded from their files
under unique module names; nothing is put on ``sys.path``. Files loaded this way are "graded
code": the guards use that list to tell the learner's real sleeps from the harness's own.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

_loaded: dict[Path, ModuleType] = {}
graded_files: set[str] = set()


class ImplementationMissing(Exception):
    """The file to grade does not exist."""


class MissingName(AttributeError):
    """The learner's module does not define a name the lesson's API requires."""


def load(path: Path) -> ModuleType:
    """Import the module at ``path`` (once per process) and return it.

    Errors in the module (syntax errors, exceptions at import time) propagate unchanged;
    the caller reports them.
    """
    path = path.resolve()
    if path in _loaded:
        return _loaded[path]
    if not path.is_file():
        raise ImplementationMissing(f"{path} does not exist")
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    name = f"graded_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    graded_files.add(str(path))
    sys.modules[name] = module  # dataclasses and typing look their module up here
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    _loaded[path] = module
    return module


class LearnerModule:
    """A view of a graded module that names a missing function or class plainly."""

    def __init__(self, module: ModuleType, shown_path: str) -> None:
        self._module = module
        self._shown_path = shown_path

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise MissingName(
                f"{self._shown_path} does not define `{name}`, which this lesson's API "
                f"requires (see the lesson README)") from None

    def __repr__(self) -> str:
        return f"<graded module {self._shown_path}>"


def required_names(tests_dir: Path) -> list[str]:
    """The public names a lesson's checks use: every ``impl.NAME`` in its check files.

    Checked once, right after the import, so that a missing name is reported once (like a
    syntax error) instead of failing every check that touches it.
    """
    names: set[str] = set()
    for path in sorted(tests_dir.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "impl" and not node.attr.startswith("_"):
                names.add(node.attr)
    return sorted(names)


def missing_names(module: ModuleType, tests_dir: Path) -> list[str]:
    """The names the lesson's checks use that ``module`` does not define.

    A quick textual scan first (a superset: it also sees ``impl.X`` in comments); the exact
    reading of the check files only when that scan finds something missing.
    """
    text = " ".join(path.read_text() for path in tests_dir.glob("test_*.py"))
    maybe = {name for name in re.findall(r"\bimpl\.([A-Za-z]\w*)", text)
             if not hasattr(module, name)}
    return [name for name in required_names(tests_dir) if name in maybe] if maybe else []


def check_module(path: Path, name: str | None = None) -> ModuleType:
    """Import a module of the checks' own (a lesson's ``support.py``, another lesson's check
    file) from its file, once per process, under ``name`` in ``sys.modules``.

    The checks run in pytest's importlib mode, so a file next to a check cannot simply be
    imported. Unlike :func:`load`, the module is not graded code: the guards treat it as the
    harness's own.
    """
    path = path.resolve()
    key = name or f"_checks_{path.parent.name}_{path.stem}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[key]
            raise
    return sys.modules[key]
