"""Excel workbooks (``.xlsx``) with Dutch headers and rounded values, written atomically.

Every job writes one workbook next to its other outputs: one sheet per table
(:func:`accessibility.outputs.tables.present` decides headers and rounding) and
a first sheet ``toelichting`` (``explanation``) with the parameters, so that a
table lifted into a memo still says what it means. Numbers are stored as
numbers with a number format, so Dutch Excel shows decimal commas itself.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from accessibility.errors import InputError
from accessibility.io import atomic_path
from accessibility.outputs.tables import KINDS, kinds_of, present

EXPLANATION_SHEET = {"nl": "toelichting", "en": "explanation"}
MAX_SHEET_NAME = 31
LINE_HEIGHT = 15.0
"""Height of one line of text in a row, points (Excel's default row height)."""
_INVALID_SHEET_CHARS = set("[]:*?/\\")


def sheet_name(name: str) -> str:
    """A valid Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    clean = "".join("_" if c in _INVALID_SHEET_CHARS else c for c in str(name)).strip() or "blad"
    return clean[:MAX_SHEET_NAME]


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    lang: str = "nl",
    explanation: Mapping[str, object] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """Write tables as sheets of one ``.xlsx`` workbook, atomically.

    Parameters
    ----------
    sheets
        Sheet name -> table with internal column names (geometry is dropped).
    path
        Output ``.xlsx`` file; replaced only when the workbook is complete.
    lang
        ``nl`` (default) or ``en``: headers and yes/no texts.
    explanation
        Label -> value rows of a first sheet ``toelichting`` (parameters, sources).
    columns
        Sheet name -> the columns to show, in order (default: all).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InputError
        No sheet given, or two sheet names that are the same after shortening.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if not sheets:
        raise InputError(f"no tables to write to {path}: give at least one sheet")
    names = [sheet_name(n) for n in sheets]
    if len(set(names)) != len(names):
        raise InputError(f"sheet names {list(sheets)} are not unique in 31 characters")
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    if explanation:
        sheet = workbook.create_sheet(EXPLANATION_SHEET[lang])
        for label, value in explanation.items():
            sheet.append([str(label), "" if value is None else str(value)])
        for row in sheet.iter_rows(min_col=1, max_col=1):
            row[0].font = bold
            row[0].alignment = Alignment(vertical="top")
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 90
        _fit_to_page_width(sheet)
        for row in sheet.iter_rows(min_col=2, max_col=2):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
            lines = math.ceil(len(str(row[0].value or "")) / 85) or 1
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
    for (key, frame), name in zip(sheets.items(), names, strict=True):
        chosen = (columns or {}).get(key)
        table = present(frame, lang, chosen)
        kinds = kinds_of(frame, chosen)
        sheet = workbook.create_sheet(name)
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.itertuples(index=False):
            sheet.append(list(row))
        header_lines = 1
        centred = Alignment(horizontal="center")
        for j, kind in enumerate(kinds, start=1):
            letter = get_column_letter(j)
            number_format = KINDS[kind].excel_format
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = number_format
                elif kind in ("label", "bool"):
                    cell.alignment = centred  # apart from the numbers next to it
            title = str(table.columns[j - 1])
            width = min(max([min(len(title), 18)]  # headers wrap
                            + [len(str(v)) for v in table.iloc[:200, j - 1] if v is not None])
                        + 2, 60)
            width = max(width, 8)
            sheet.column_dimensions[letter].width = width
            header_lines = max(header_lines, math.ceil(len(title) / (width - 4)))
        sheet.row_dimensions[1].height = LINE_HEIGHT * header_lines
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        _fit_to_page_width(sheet)
        if len(table):
            sheet.auto_filter.ref = sheet.dimensions
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def _fit_to_page_width(sheet) -> None:
    """Print landscape, all columns on one page width (rows run on over pages)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
