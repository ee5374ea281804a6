"""Which lines of a reference the learner writes: those the starter does not hand over.

Later lessons hand over most of the breaker (lesson 8's starter is lesson 7's breaker,
working); a mutant there says nothing about the checks of *this* lesson's task. The starter
and the reference are compared line by line, after normalising each line (comments and
surrounding space removed, docstrings and blank lines left out); a reference line that
``difflib`` matches to a starter line in order is handed over, every other code line is
the learner's.
"""

from __future__ import annotations

import ast
import difflib
import io
import tokenize


def code_lines(source: str) -> list[tuple[int, str]]:
    """``(line number, normalised text)`` for every line that holds code."""
    comments: dict[int, int] = {}  # line -> column where its comment starts
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.start[1]
    docstrings = _docstring_lines(source)
    lines = []
    for number, text in enumerate(source.splitlines(), start=1):
        if number in docstrings:
            continue
        text = " ".join(text[:comments.get(number, len(text))].split())
        if text:
            lines.append((number, text))
    return lines


def learner_lines(reference: str, starter: str) -> set[int]:
    """The line numbers of ``reference`` that ``starter`` does not already contain."""
    ours, theirs = code_lines(reference), code_lines(starter)
    matcher = difflib.SequenceMatcher(None, [t for _, t in theirs], [t for _, t in ours],
                                      autojunk=False)
    handed_over = {ours[j + k][0] for _, j, size in matcher.get_matching_blocks()
                   for k in range(size)}
    return {number for number, _ in ours} - handed_over


def _docstring_lines(source: str) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines
