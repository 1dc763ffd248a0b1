"""Low-level GTFS reading: raw CSV tables from a .zip or a folder, column checks,
vectorised parsing of times, dates and numbers.

Private helper of :mod:`accessibility.gtfs`; every function raises
:class:`~accessibility.errors.GtfsError` with the file, row and value at fault.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.errors import GtfsError

# Regular expression of a GTFS time "H:MM:SS" or "HH:MM:SS" (hours may exceed 23).
_TIME_RE = r"^(\d{1,3}):([0-5]\d):([0-5]\d)$"

# Data rows start on line 2 of a CSV file (line 1 is the header).
_FIRST_DATA_LINE = 2

# Integers beyond this lose precision as float64 (and overflow int64 near 9.2e18).
_MAX_EXACT_INT = 2**53

# What a damaged zip archive raises while it is opened or a member is read.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


class FeedSource:
    """Read access to the text files of one GTFS feed (.zip archive or folder).

    Parameters
    ----------
    path : str or Path
        A ``.zip`` file or a folder holding the ``*.txt`` files. Inside a zip
        the files may also sit in one sub-folder.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise GtfsError(f"GTFS feed {self.path} does not exist: give a .zip file or a folder.")
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            for child in self.path.iterdir():
                if child.is_file():
                    self._members[child.name] = str(child)
        elif zipfile.is_zipfile(self.path):
            try:
                with zipfile.ZipFile(self.path) as archive:
                    names = sorted(
                        (n for n in archive.namelist() if not n.endswith("/")),
                        key=lambda n: n.count("/"),
                    )
            except _ZIP_ERRORS as exc:
                raise GtfsError(f"GTFS feed {self.path} is a damaged zip archive ({exc}): "
                                "download the feed again.") from exc
            for name in names:
                self._members.setdefault(name.rsplit("/", 1)[-1], name)
            folders = sorted({n.rsplit("/", 1)[0] if "/" in n else "." for n in names
                              if n.rsplit("/", 1)[-1] == "stop_times.txt"})
            if len(folders) > 1:
                raise GtfsError(
                    f"GTFS feed {self.path} holds several feeds (stop_times.txt in "
                    f"{', '.join(f + '/' for f in folders)}): give each feed as its own .zip "
                    "or folder.")
        else:
            raise GtfsError(
                f"GTFS feed {self.path} is neither a folder nor a valid .zip archive: "
                "check the path or download the feed again."
            )

    def has(self, filename: str) -> bool:
        """Whether the feed contains ``filename`` (for example ``"calendar.txt"``)."""
        return filename in self._members

    def where(self, filename: str) -> str:
        """Human-readable location of ``filename`` for error messages."""
        return f"{self.path}/{filename}" if self.path.is_dir() else f"{self.path}!{filename}"

    def read_rows(self, filename: str, columns: tuple[str, ...], key: str,
                  keep: set[str], chunk_rows: int = 500_000) -> pd.DataFrame:
        """The rows of a large file whose ``key`` column is in ``keep``, streamed in chunks.

        Only ``columns`` (those present; ``key`` must be one of them) are parsed,
        as stripped strings, so memory stays bounded by the rows kept (used for
        ``shapes.txt`` and ``trips.txt`` of national feeds). A file without
        ``key`` gives an empty table.
        """
        wanted = set(columns)
        try:
            with contextlib.ExitStack() as stack:
                if self.path.is_dir():
                    handle = stack.enter_context(open(self._members[filename], "rb"))
                else:
                    archive = stack.enter_context(zipfile.ZipFile(self.path))
                    handle = stack.enter_context(archive.open(self._members[filename]))
                text = stack.enter_context(io.TextIOWrapper(handle, encoding="utf-8-sig"))
                chunks = pd.read_csv(text, dtype=str, keep_default_na=False,
                                     skipinitialspace=True, chunksize=chunk_rows,
                                     usecols=lambda c: str(c).strip() in wanted)
                kept = []
                for chunk in chunks:
                    chunk.columns = [str(c).strip() for c in chunk.columns]
                    if key not in chunk.columns:
                        return pd.DataFrame(columns=list(columns))
                    chunk = chunk[chunk[key].str.strip().isin(keep)]
                    kept.append(chunk.apply(lambda col: col.str.strip()))
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=list(columns))
        except (*_ZIP_ERRORS, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise GtfsError(f"{self.where(filename)} cannot be read ({exc}): fix or re-download "
                            "the feed.") from exc
        if not kept:
            return pd.DataFrame(columns=list(columns))
        return pd.concat(kept, ignore_index=True)

    def read(self, filename: str, required_columns: tuple[str, ...]) -> pd.DataFrame:
        """Read one file with every column as stripped strings ('' when empty).

        Parameters
        ----------
        filename : str
            For example ``"stops.txt"``; must exist (check with :meth:`has`).
        required_columns : tuple of str
            Columns that must be present, else :class:`GtfsError`.

        Returns
        -------
        pandas.DataFrame
            Column names stripped of blanks and a byte-order mark; index 0..n-1
            (row ``i`` is line ``i + 2`` of the file).
        """
        member = self._members[filename]
        try:
            if self.path.is_dir():
                raw = Path(member).read_bytes()
            else:
                with zipfile.ZipFile(self.path) as archive:
                    raw = archive.read(member)
            text = raw.decode("utf-8-sig")
        except _ZIP_ERRORS as exc:
            raise GtfsError(
                f"{self.where(filename)} cannot be read: the zip archive is damaged ({exc}); "
                "download the feed again."
            ) from exc
        except UnicodeDecodeError as exc:
            raise GtfsError(
                f"{self.where(filename)} is not UTF-8 text ({exc}): re-encode it as UTF-8."
            ) from exc
        if not text.strip():
            table = pd.DataFrame()
        else:
            try:
                table = pd.read_csv(
                    io.StringIO(text),
                    dtype=str,
                    keep_default_na=False,
                    skipinitialspace=True,
                )
            except pd.errors.ParserError as exc:
                raise GtfsError(
                    f"{self.where(filename)} is not valid CSV ({exc}): fix or re-download the feed."
                ) from exc
        table.columns = [str(c).strip().lstrip("\ufeff") for c in table.columns]
        missing = [c for c in required_columns if c not in table.columns]
        if missing:
            raise GtfsError(
                f"{self.where(filename)} lacks the required column(s) {', '.join(missing)}: "
                "the feed does not follow the GTFS reference."
            )
        for column in table.columns:
            table[column] = table[column].astype(str).str.strip()
        return table.reset_index(drop=True)


def empty_table(columns: tuple[str, ...]) -> pd.DataFrame:
    """An empty string table with ``columns`` (for optional files that are absent)."""
    return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})


def _first_bad(where: str, values: pd.Series, bad: np.ndarray, what: str, hint: str) -> GtfsError:
    """Build the error for the first row flagged in ``bad``."""
    row = int(np.flatnonzero(bad)[0])
    return GtfsError(
        f"{where} line {row + _FIRST_DATA_LINE}: {what} {values.iloc[row]!r} "
        f"({int(bad.sum())} bad value(s) in this column): {hint}"
    )


def parse_times(values: pd.Series, where: str, column: str) -> np.ndarray:
    """Parse GTFS times ``H:MM:SS`` (hours may be 24 or more) to seconds.

    Parameters
    ----------
    values : pandas.Series of str
        Raw values; empty strings mean "no time".
    where, column : str
        File location and column name for error messages.

    Returns
    -------
    numpy.ndarray of float64
        Seconds since the start of the service day; NaN where empty.
    """
    # Timetables repeat the same few thousand times: parse each distinct value once.
    codes, uniques = pd.factorize(values)
    uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=str)
    parts = uniques.str.extract(_TIME_RE)
    matched = parts[0].notna().to_numpy()
    unique_seconds = np.full(len(uniques), np.nan)
    if matched.any():
        hms = parts[matched].astype(np.int64).to_numpy()
        unique_seconds[matched] = hms[:, 0] * 3600 + hms[:, 1] * 60 + hms[:, 2]
    bad_unique = ~matched & (uniques != "").to_numpy()
    bad = bad_unique[codes]
    if bad.any():
        raise _first_bad(
            where, values, bad, f"{column} is not a time", "write times as HH:MM:SS, e.g. 25:30:00."
        )
    return unique_seconds[codes]


def parse_dates(values: pd.Series, where: str, column: str) -> np.ndarray:
    """Parse GTFS dates ``YYYYMMDD``.

    Returns
    -------
    numpy.ndarray of datetime64[D]
    """
    parsed = pd.to_datetime(values, format="%Y%m%d", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        raise _first_bad(
            where, values, bad, f"{column} is not a date", "write dates as YYYYMMDD, e.g. 20190513."
        )
    return parsed.to_numpy().astype("datetime64[D]")


def parse_ints(
    values: pd.Series,
    where: str,
    column: str,
    default: int | None = None,
    allowed: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Parse integer values.

    Parameters
    ----------
    default : int, optional
        Value for empty strings; when None, empty strings are errors.
    allowed : tuple of int, optional
        Permitted values; others are errors.

    Returns
    -------
    numpy.ndarray of int64
    """
    # Columns such as stop_sequence repeat few values: parse each distinct value once.
    codes, uniques = pd.factorize(values)
    uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=str)
    if default is not None:
        uniques = uniques.where(uniques != "", str(default))
    numbers = pd.to_numeric(uniques, errors="coerce")
    as_float = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    bad_unique = np.isnan(as_float) | (as_float != np.round(as_float))
    huge_unique = ~bad_unique & (np.abs(as_float) > _MAX_EXACT_INT)
    if allowed is not None:
        bad_unique |= ~np.isin(as_float, np.asarray(allowed, dtype=np.float64))
    as_float = as_float[codes]
    bad = bad_unique[codes]
    if bad.any():
        expected = f"one of {allowed}" if allowed is not None else "an integer"
        raise _first_bad(
            where, values, bad, f"{column} is not {expected}:", "correct the value in the feed."
        )
    huge = huge_unique[codes]
    if huge.any():
        raise _first_bad(where, values, huge, f"{column} is too large:",
                         f"give an integer of at most {_MAX_EXACT_INT} (2^53).")
    return as_float.astype(np.int64)


def parse_floats(values: pd.Series) -> np.ndarray:
    """Parse decimal numbers; empty or unparsable values become NaN (callers count them).

    Returns
    -------
    numpy.ndarray of float64
    """
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def check_unique(values: pd.Series, where: str, column: str) -> None:
    """Raise :class:`GtfsError` when ``values`` (an id column) holds duplicates or empties."""
    empty = (values == "").to_numpy()
    if empty.any():
        raise _first_bad(where, values, empty, f"{column} is empty:", "every row needs an id.")
    dup = values.duplicated().to_numpy()
    if dup.any():
        raise _first_bad(
            where, values, dup, f"{column} is duplicated:", "ids must be unique within the file."
        )


def lookup(values: pd.Series, known: pd.Series, where: str, column: str, target: str) -> np.ndarray:
    """Position of every value in ``known``; :class:`GtfsError` when one is not there.

    Returns
    -------
    numpy.ndarray of int64
    """
    position = pd.Index(known).get_indexer(values)
    bad = position < 0
    if bad.any():
        raise _first_bad(
            where, values, bad, f"{column}", f"is not defined in {target}: fix the reference."
        )
    return position.astype(np.int64)


def safe_feed_id(stem: str) -> str:
    """A feed id derived from a file or folder stem (':' replaced by '_')."""
    return re.sub(r"[:\s]+", "_", stem) or "feed"
