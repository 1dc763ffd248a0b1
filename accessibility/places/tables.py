"""Reading the tables users make in Excel: CSV in any common dialect, or ``.xlsx``.

Dutch Excel saves "CSV" with semicolons, often with a byte-order mark, and in
Windows-1252 when "CSV (gescheiden door lijstscheidingsteken)" is chosen;
numbers carry a decimal comma. :func:`read_user_table` reads all of these (and
``.xlsx`` workbooks through openpyxl) into a table of text cells, and
:func:`parse_number` reads numbers in either notation. :func:`rename_columns`
maps Dutch and English column names onto one vocabulary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accessibility.errors import InputError

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "puntkomma / semicolon", ",": "komma / comma", "\t": "tab"}
_NUMBER_RE = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class UserTable:
    """A table read by :func:`read_user_table`.

    Attributes
    ----------
    frame
        Every cell as stripped text (empty string for an empty cell), columns as
        in the file's header row.
    first_line
        Line (CSV) or row (Excel) number of the first data row, 1-based, for messages.
    path
        The file read.
    encoding
        ``utf-8``, ``utf-8-sig`` (with byte-order mark), ``cp1252`` or ``xlsx``.
    delimiter
        The CSV delimiter found (``""`` for Excel).
    """

    frame: pd.DataFrame
    first_line: int
    path: Path
    encoding: str
    delimiter: str

    def where(self, row: int) -> str:
        """``"<path>, line <n>"`` of data row ``row`` (0-based), for messages."""
        unit = "row" if self.encoding == "xlsx" else "line"
        return f"{self.path}, {unit} {self.first_line + row}"


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """Text of a file's bytes: UTF-8 (with or without BOM), else Windows-1252.

    Returns
    -------
    text, encoding
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is neither UTF-8 nor Windows-1252 text ({exc}); save it from Excel as "
            "'CSV UTF-8' / sla het op als 'CSV UTF-8 (door komma's gescheiden)'"
        ) from exc


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: ``;``, ``,`` or tab.

    :class:`csv.Sniffer` decides on the first lines; when it cannot, the
    delimiter that occurs most often in the header line wins (a one-column file
    gets ``,``).
    """
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text.strip() else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _excel_cell(value: object) -> str:
    """An openpyxl cell value as text (whole floats without ``.0``, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _read_excel(path: Path, what: str) -> UserTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"cannot read {what} {path} as an Excel workbook ({type(exc).__name__}: {exc}); "
            "save it as .xlsx or as CSV"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_excel_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(f"{what} {path} is empty (first sheet); it needs a header row and rows")
    header = rows[0]
    while header and not header[-1]:
        header = header[:-1]
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return UserTable(frame, 2, path, "xlsx", "")


def read_user_table(path: str | Path, what: str = "table") -> UserTable:
    """Read a CSV (any delimiter, UTF-8 or Windows-1252, with or without BOM) or ``.xlsx``.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv`` or ``.xlsx``/``.xlsm`` (the first sheet).
    what
        What the file is, for messages (e.g. ``"location list"``).

    Raises
    ------
    InputError
        Missing or empty file, an unreadable encoding or workbook, rows with more
        cells than the header; the message names the file and line.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, what)
    if suffix not in CSV_SUFFIXES:
        raise InputError(
            f"{what} {path} has an unknown extension {suffix!r}; use .csv or .xlsx"
        )
    raw = path.read_bytes()
    text, encoding = decode(raw, path)
    if not text.strip():
        raise InputError(f"{what} {path} is empty; it needs a header line and rows")
    delimiter = "\t" if suffix == ".tsv" else sniff_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        raise InputError(
            f"cannot read {what} {path} as CSV with delimiter "
            f"{DELIMITER_NAMES[delimiter]}: {exc}; check that every row has as many cells "
            "as the header"
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
    return UserTable(frame, 2, path, encoding, delimiter)


def object_column(values) -> pd.Series:
    """Values as an object column: pandas would turn :class:`~accessibility.notices.Notice`
    strings into plain ``str`` (losing their translation) in a string column."""
    return pd.Series(list(values), dtype=object)


def parse_number(text: str) -> float:
    """A number written with a decimal point or a decimal comma (``"52,4694"``).

    A single separator is the decimal separator; with both (``"1.234,5"`` or
    ``"1,234.5"``) the last one is.

    Raises
    ------
    ValueError
        When ``text`` is not a number.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if "," in s and "." in s:
        thousands = "." if s.rfind(",") > s.rfind(".") else ","
        s = s.replace(thousands, "")
    s = s.replace(",", ".")
    if not _NUMBER_RE.match(s):
        raise ValueError(f"not a number: {text!r}")
    return float(s)


def normalise_header(name: object) -> str:
    """A column name for matching: lower case, ``-``/``.``/spaces as ``_``, no BOM."""
    text = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-./]+", "_", text).strip("_")


def rename_columns(frame: pd.DataFrame, aliases: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Rename columns known under another name (Dutch or English) to their canonical name.

    Parameters
    ----------
    frame
        The table as read.
    aliases
        Canonical name -> accepted spellings (compared after :func:`normalise_header`).
        A column that already has a canonical name keeps it and wins; otherwise
        the first column matching a canonical name gets it.

    Returns
    -------
    pandas.DataFrame
        The same table with renamed columns (unknown columns keep their name).
    """
    lookup: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in (canonical, *names):
            lookup.setdefault(normalise_header(name), canonical)
    renamed: dict[str, str] = {}
    taken = {str(c) for c in frame.columns if str(c) in aliases}
    for col in frame.columns:
        if str(col) in aliases:
            continue
        canonical = lookup.get(normalise_header(col))
        if canonical is not None and canonical not in taken:
            renamed[col] = canonical
            taken.add(canonical)
    return frame.rename(columns=renamed)


def missing_columns_message(path: Path, what: str, missing: Sequence[str],
                            found: Sequence[str], expected: str, delimiter: str) -> str:
    """A bilingual message for required columns that are missing, with a hint when the
    header looks like one cell holding another delimiter."""
    message = (
        f"{what} {path} lacks the required column(s) {list(missing)}; found {list(found)}. "
        f"Verwacht / expected: {expected}"
    )
    if len(found) == 1:
        others = [DELIMITER_NAMES[d] for d in DELIMITERS if d != delimiter and d in found[0]]
        if others:
            message += (f". The header holds {others[0]} characters: save the file with one "
                        "column per field / de kopregel bevat scheidingstekens")
    return message
