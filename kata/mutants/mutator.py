"""Small, deliberate mistakes in a module: one mutant per change.

Each operator makes a change a learner's slip makes: a boundary (``<`` for ``<=``), a sign,
a constant one off, ``and`` for ``or``, a forgotten line, a lock left out. Docstrings,
comments, type annotations, decorators, imports and f-string text are never changed: no
check can see them, so changing them would only produce noise.

A :class:`Mutant` says where it is and what it changes. Its identity, the one that
``mutants_equivalent.txt`` uses, is ``(scope, before, after)``: the enclosing function's
qualified name and the changed statement (or condition) before and after, in canonical form
(``ast.unparse``), so that edits elsewhere in the file, or to this line's layout, keep it.
:func:`mutated_source` builds the mutated module from the parsed reference.
"""

from __future__ import annotations

import ast
import builtins
import copy
from dataclasses import dataclass
from typing import Iterator, Union

#: How to reach a node from the module: (field name, list index or None) at each step.
Path = tuple[tuple[str, Union[int, None]], ...]
#: What a change puts in the node's place: a node, or statements for a statement's place.
Replacement = Union[ast.AST, tuple[ast.stmt, ...]]

COMPARISON_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
ARITHMETIC_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitAnd,
    ast.LShift: ast.RShift, ast.RShift: ast.LShift,
}
#: Statements that "forgetting a line" deletes (replaced by ``pass``), inside functions only:
#: at module or class level a missing line fails at import, which teaches nothing.
DELETABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Assert,
             ast.Delete)
#: The parts of a compound statement that are code on its first line(s).
HEADER_FIELDS = {"test", "iter", "target", "items", "type", "subject", "bases", "keywords"}
NEVER_VISITED = {"annotation", "returns", "decorator_list", "type_comment", "type_params"}
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Mutant:
    """One change to the module; ``(scope, before, after)`` identifies it across edits."""

    number: int  #: 1, 2, ... in source order (for the report only: edits renumber)
    scope: str  #: qualified name of the enclosing function or class, or ``<module>``
    operator: str  #: the kind of change, e.g. ``comparison``
    lines: tuple[int, ...]  #: the reference lines that the changed code occupies
    before: str  #: the statement (or condition) containing the change, on one line
    after: str  #: the same with the change made
    path: Path  #: where the changed node is in the parsed module
    replacement: Replacement

    @property
    def line(self) -> int:
        return self.lines[0]

    @property
    def change(self) -> str:
        return f"{self.before} → {self.after}"


def mutants_of(source: str) -> list[Mutant]:
    """Every mutant of the module ``source``, in source order."""
    tree = ast.parse(source)
    found = sorted(_walk(tree, (), "<module>", False, None),
                   key=lambda site: site[2][0])  # by line; the walk's order within a line
    return [Mutant(number, scope, operator, lines, before, after, path, replacement)
            for number, (scope, operator, lines, before, after, path, replacement)
            in enumerate(found, start=1)]


def mutated_source(tree: ast.Module, mutant: Mutant) -> str:
    """The module with ``mutant`` applied (``tree`` itself is left unchanged)."""
    return ast.unparse(_replaced(tree, mutant.path, mutant.replacement)) + "\n"


def one_line(text: str) -> str:
    return " ".join(text.split())


# -- walking the tree ----------------------------------------------------------------------

#: (the node a change is shown in, its path, a label such as ``name=`` for a default)
Context = Union[tuple[ast.AST, Path, str], None]


def _walk(node: ast.AST, path: Path, scope: str, in_function: bool,
          context: Context) -> Iterator[tuple]:
    """Yield ``(scope, operator, lines, before, after, path, replacement)`` per change."""
    if isinstance(node, ast.JoinedStr) or _is_type_expression(node):
        return  # message text and run-time type expressions: no check can see a change
    if isinstance(node, ast.stmt) and not _is_compound(node):
        context = (node, path, "")
    for operator, sub_path, replacement, lines, shown in _changes(node, in_function):
        where = (*path, *sub_path)
        if shown is None:
            shown = _shown_in(context, where, replacement)
        yield (scope, operator, lines, *shown, where, replacement)
    if isinstance(node, SCOPES):
        scope = node.name if scope == "<module>" else f"{scope}.{node.name}"
        in_function = not isinstance(node, ast.ClassDef)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield from _walk_defaults(node, path, scope)
    for field, value in ast.iter_fields(node):
        if _never_visited(node, field):
            continue
        items = value if isinstance(value, list) else [value]
        for index, child in enumerate(items):
            if not isinstance(child, ast.AST) or _is_docstring(node, field, index):
                continue
            child_path = (*path, (field, index if isinstance(value, list) else None))
            child_context = context
            if _is_compound(node) and field in HEADER_FIELDS:
                child_context = (child, child_path, "")
            yield from _walk(child, child_path, scope, in_function, child_context)


def _walk_defaults(function: ast.FunctionDef | ast.AsyncFunctionDef, path: Path,
                   scope: str) -> Iterator[tuple]:
    """Default arguments: each replaced by None, and walked for the other changes."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    positional = positional[len(positional) - len(arguments.defaults):]
    pairs = [("defaults", i, arg, d) for i, (arg, d) in enumerate(
        zip(positional, arguments.defaults))]
    pairs += [("kw_defaults", i, arg, d) for i, (arg, d) in enumerate(
        zip(arguments.kwonlyargs, arguments.kw_defaults)) if d is not None]
    for field, index, arg, default in pairs:
        default_path = (*path, ("args", None), (field, index))
        context = (default, default_path, f"{arg.arg}=")
        if not _is_none(default):
            yield (scope, "default argument", _lines(default), f"{arg.arg}={_text(default)}",
                   f"{arg.arg}=None", default_path, ast.Constant(None))
        yield from _walk(default, default_path, scope, True, context)


def _shown_in(context: Context, where: Path, replacement: Replacement) -> tuple[str, str]:
    """``before`` and ``after``: the context's code, without and with the change."""
    assert context is not None, "every change is inside a statement or a header"
    node, context_path, label = context
    changed = _replaced(node, where[len(context_path):], replacement)
    after = "; ".join(map(_text, changed)) if isinstance(changed, tuple) else _text(changed)
    return label + _text(node), label + after


# -- the operators -------------------------------------------------------------------------

def _changes(node: ast.AST, in_function: bool) -> Iterator[tuple]:
    """``(operator, sub_path, replacement, lines, shown)`` for each change of this node.

    ``sub_path`` leads from the node to what is replaced (usually nothing: the node
    itself); ``shown`` is ``(before, after)`` when the context cannot show the change.
    """
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARISON_SWAPS:
                yield "comparison", (("ops", i),), COMPARISON_SWAPS[type(op)](), _lines(node), None
    elif isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in ARITHMETIC_SWAPS:
        yield "arithmetic", (("op", None),), ARITHMETIC_SWAPS[type(node.op)](), _lines(node), None
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield "and/or", (("op", None),), other, _lines(node), None
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not", (), node.operand, _lines(node), None
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "boolean", (), ast.Constant(not node.value), _lines(node), None
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        for changed in dict.fromkeys((node.value + 1, node.value - 1, type(node.value)(0))):
            if changed != node.value:
                yield "constant", (), ast.Constant(changed), _lines(node), None
    elif isinstance(node, ast.Subscript):
        yield from _index_changes(node)
    if isinstance(node, (ast.If, ast.While, ast.IfExp)) and isinstance(
            node.test, (ast.Name, ast.Attribute, ast.Call)):
        negated = ast.UnaryOp(ast.Not(), node.test)
        shown = None if isinstance(node, ast.IfExp) else (_text(node.test), _text(negated))
        yield "negate condition", (("test", None),), negated, _lines(node.test), shown
    if isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value):
        yield "return None", (), (ast.Return(ast.Constant(None)),), _lines(node), None
    elif isinstance(node, (ast.Break, ast.Continue)):
        other = ast.Continue() if isinstance(node, ast.Break) else ast.Break()
        yield "break/continue", (), (other,), _lines(node), None
    elif (isinstance(node, (ast.With, ast.AsyncWith)) and len(node.items) == 1
          and node.items[0].optional_vars is None):
        header = tuple(range(node.lineno, node.body[0].lineno)) or (node.lineno,)
        shown = f"with {_text(node.items[0])}:", "(its body, without the with)"
        yield "remove with", (), tuple(node.body), header, shown
    elif in_function and isinstance(node, DELETABLE) and not _is_bare_declaration(node):
        yield "delete statement", (), (ast.Pass(),), _lines(node), None


def _index_changes(node: ast.Subscript) -> Iterator[tuple]:
    """An index or slice bound one off: ``x[i]`` → ``x[i + 1]``, ``x[a:b]`` → ``x[a:b - 1]``."""
    if isinstance(node.slice, ast.Slice):
        bounds = [(("slice", None), (field, None)) for field in ("lower", "upper")]
    else:
        bounds = [(("slice", None),)]
    for sub_path in bounds:
        bound = _at(node, sub_path)
        if bound is None or isinstance(bound, ast.Constant) or not _is_index_like(bound):
            continue  # a constant bound gets the constant changes
        for op in (ast.Add(), ast.Sub()):
            shifted = ast.BinOp(bound, op, ast.Constant(1))
            yield "index ±1", sub_path, shifted, _lines(bound), None


# -- small helpers -------------------------------------------------------------------------

def _replaced(root: ast.AST, path: Path, replacement: Replacement) -> Replacement:
    """A copy of ``root`` with the node at ``path`` replaced (``root`` is left unchanged)."""
    replacement = copy.deepcopy(replacement)
    if not path:
        return replacement
    root = copy.deepcopy(root)
    *steps, (field, index) = path
    parent = _at(root, tuple(steps))
    if index is None:
        setattr(parent, field, replacement)
    else:
        items = getattr(parent, field)
        items[index:index + 1] = replacement if isinstance(replacement, tuple) else [replacement]
    return ast.fix_missing_locations(root)


def _at(root: ast.AST, path: Path) -> ast.AST:
    node = root
    for field, index in path:
        node = getattr(node, field) if index is None else getattr(node, field)[index]
    return node


def _never_visited(node: ast.AST, field: str) -> bool:
    """Annotations, decorators, imports; and a signature, which ``_walk_defaults`` covers."""
    return (field in NEVER_VISITED or isinstance(node, (ast.Import, ast.ImportFrom))
            or field == "args" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def _is_compound(node: ast.AST) -> bool:
    return isinstance(node, (ast.stmt, ast.excepthandler)) and any(
        isinstance(getattr(node, field, None), list) for field in ("body", "handlers", "cases"))


def _is_index_like(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):  # `list[str]`, `Mapping[Key]`: types, not indexes
        return not (node.id[:1].isupper() or hasattr(builtins, node.id))
    return isinstance(node, (ast.Attribute, ast.BinOp, ast.UnaryOp, ast.Call))


def _is_type_expression(node: ast.AST) -> bool:
    """``Callable[[], float]``, ``tuple[int, ...]``: a type built at run time, not logic."""
    return isinstance(node, ast.Subscript) and isinstance(node.slice, (ast.Tuple, ast.List))


def _is_docstring(parent: ast.AST, field: str, index: int) -> bool:
    if field != "body" or index != 0 or not isinstance(parent, (ast.Module, *SCOPES)):
        return False
    first = parent.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
        first.value.value, str)


def _is_bare_declaration(node: ast.stmt) -> bool:
    """``x: int`` (nothing to delete), or a lone constant such as ``...``."""
    return ((isinstance(node, ast.AnnAssign) and node.value is None)
            or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)))


def _is_none(node: object) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _text(node: ast.AST) -> str:
    return one_line(ast.unparse(node))


def _lines(node: ast.AST) -> tuple[int, ...]:
    return tuple(range(node.lineno, (node.end_lineno or node.lineno) + 1))
