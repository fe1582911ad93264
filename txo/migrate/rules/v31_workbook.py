"""What TXO501 says about `TxoDataHandler.save(data, dir, "x.xlsx")`: 2.1, 3.1 and v3 differ.

A single DataFrame saved without ``sheet_name`` lands on sheet ``Data`` in
3.1, ``Sheet1`` in 2.1 and in v3's ``txo.data``; a ``{sheet: DataFrame}`` dict
is a multi-sheet workbook in 3.1 only.  What ``data`` holds is decided from
the source where that is certain — a dict display, a ``DataFrame(...)`` call
(or a column selection of one), or a name bound once, in the whole file, to
one of those — and left open otherwise, so the advice never claims more than
the code shows.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Mapping
from typing import Literal

__all__ = ["V3_SHEET", "V31_SHEET", "DataKind", "assigned_once", "data_kind", "excel_save_data"]

#: The sheet a single DataFrame saved to .xlsx lands on: in 3.1, and in v3's txo.data (and 2.1).
V31_SHEET, V3_SHEET = "Data", "Sheet1"

DataKind = Literal["dict", "frame", "unknown"]


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def excel_save_data(call: ast.Call) -> ast.expr | None:
    """The ``data`` of ``save(data, dir, "name.xlsx")`` without ``sheet_name``, else None."""
    name = call.args[2] if len(call.args) > 2 else _keyword(call, "filename")
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    if not name.value.lower().endswith(".xlsx"):
        return None
    if any(k.arg in (None, "sheet_name") for k in call.keywords):
        return None  # a named sheet (or **options that may name one): the same everywhere
    return call.args[0] if call.args else _keyword(call, "data")


def assigned_once(tree: ast.Module, bound: Counter[str]) -> Mapping[str, ast.expr]:
    """``name -> value`` for names bound exactly once in the file, by ``name = value``."""
    return {
        node.targets[0].id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and bound[node.targets[0].id] == 1
    }


def _is_frame(expr: ast.expr) -> bool:
    while isinstance(expr, ast.Subscript):  # pd.DataFrame(rows)[["sku", "stock"]]
        expr = expr.value
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "DataFrame"


def data_kind(data: ast.expr | None, assigned: Mapping[str, ast.expr]) -> DataKind:
    """Whether ``data`` is certainly a dict, certainly one DataFrame, or not known."""
    if isinstance(data, ast.Name) and data.id in assigned:
        data = assigned[data.id]
    if isinstance(data, (ast.Dict, ast.DictComp)):
        return "dict"
    if data is not None and _is_frame(data):
        return "frame"
    return "unknown"
