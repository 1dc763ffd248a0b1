"""Extract the national list of known steunpunten from Appendix 1 of the De Galan report.

Source: ``../shared/seeds/004_06e4a04bd18c0733.txt`` (the text of the De Galan Groep
report for the IZA working group "laagdrempelige steunpunten", October 2024),
Appendix 1 "Totaaloverzicht laagdrempelige steunpunten". Output:
``data/steunpunten/steunpunten_nl.csv`` (see ``data/steunpunten/README.md``).

The appendix is a PDF table flattened to text: IZA region headings, repeated
"Locatie Stad Gemeente" column headers, organisations with bulleted
sub-locations, rows that wrap over several lines, footnotes at the bottom of each
page (a page starts with a line indented by one space). The rules at the start of the appendix: an
organisation with sub-locations is counted by its sub-locations (the organisation
line itself is not a steunpunt); a national organisation is counted by its
physical location in the region.

Splitting a row "<name> <city> <gemeente>" needs to know place names: the gemeente
is the longest trailing run of words that is a gemeente name (CBS 2024 boundaries,
the 2014 gemeenten of the 4-digit postcode table, a few spellings of the report),
the city the longest trailing run of the rest that is a woonplaats, else the last
word (reported). A row wraps until it ends in a gemeente.

Usage::

    python scripts/extract_steunpunten.py [--shared ../shared] [--out data/steunpunten/steunpunten_nl.csv]
    python scripts/extract_steunpunten.py --check   # compare with the committed CSV
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "data" / "steunpunten" / "steunpunten_nl.csv"
SEED = Path("seeds") / "004_06e4a04bd18c0733.txt"

START_MARKER = "Weergave van het aantal steunpunten"
END_MARKER = "Bijlage 2: Regionale verdieping"
TABLE_MARKER = "Tabel 2.2.1"
HEADER_RE = re.compile(r"^Locatie\d*\s+Stad\s+Gemeente$")
FOOTNOTE_RE = re.compile(r"^(\d{1,2})\s+\S")
PAGE_START_RE = re.compile(r"^ \S")  # the text extraction starts each page with one space
NO_SITES = "Geen laagdrempelige steunpunten in beeld"
GOOI = "Gooi en Vechtstreek"

# Cell texts of the report that say there is no fixed place instead of naming a town.
NO_POINT_PHRASES = ("Meerdere locaties", "Geen locatie vindbaar", "Actief in Duiven en Westervoort")
# Spellings of the report missing from the gazetteers.
GEMEENTE_ALIASES = ("Den Haag", "Alphen a/d Rijn", "Dongeradeel / Dokkum")
CITY_ALIASES = ("Hengelo (Gld)", "Alphen a/d Rijn", "Nieuwekerk a/d IJssel", "Den Haag")
CITY_LEVEL_NOTE = "city-level only: the source gives town and gemeente, no street address"

COLUMNS = [
    "id", "name", "organisation", "address", "postcode", "city", "gemeente", "iza_region",
    "lat", "lon", "kind", "capacity_weight", "note", "in_gooi_en_vechtstreek",
]


def key(text: str) -> str:
    """Comparison key of a place name: case, quotes, hyphens and slashes spacing ignored."""
    text = text.replace("\u2018", "'").replace("\u2019", "'").lower()
    text = text.replace("-", " ").replace("/", " / ")
    return " ".join(text.split())


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Gazetteer:
    """Gemeente and woonplaats names (comparison keys)."""

    gemeenten: set[str]
    places: set[str]

    @classmethod
    def from_shared(cls, shared: Path) -> Gazetteer:
        data = shared / "data" / "nl"
        pc4 = pd.read_csv(data / "pc4" / "4pp.csv", dtype=str, keep_default_na=False)
        with open(data / "gemeenten_2024" / "gemeente_gegeneraliseerd.geojson", encoding="utf-8") as fh:
            gm2024 = [f["properties"]["statnaam"] for f in json.load(fh)["features"]]
        gemeenten = {key(n) for n in [*gm2024, *pc4["gemeente"], *GEMEENTE_ALIASES] if n}
        places = {key(n) for n in [*pc4["woonplaats"], *pc4["alternatieve_schrijfwijzen"],
                                   *CITY_ALIASES] if n} | gemeenten
        return cls(gemeenten, places)


def longest_suffix(words: list[str], names: set[str], max_words: int = 5) -> int:
    """Number of trailing words that form a name in ``names`` (longest first); 0 if none."""
    for n in range(min(max_words, len(words)), 0, -1):
        if key(" ".join(words[-n:])) in names:
            return n
    return 0


@dataclass
class Row:
    """One logical table row of the appendix."""

    region: str
    line: int
    bullet: bool
    text: str = ""
    footnotes: list[int] = field(default_factory=list)

    def add(self, text: str) -> None:
        if not self.text:
            self.text = text
        elif self.text.endswith("-"):
            self.text += text  # a word broken at the line end ("Noord-Holland-" + "Noord)")
        else:
            self.text = f"{self.text} {text}"


@dataclass
class Split:
    name: str
    city: str
    gemeente: str
    no_point: str  # a NO_POINT_PHRASES cell instead of a town
    guessed_city: bool


def split_row(text: str, gaz: Gazetteer, *, final: bool) -> Split | None:
    """Split "<name> <city> <gemeente>"; ``None`` when the text does not end in a gemeente.

    With ``final`` (the row cannot continue), a woonplaats is accepted as gemeente.
    """
    words = text.split()
    for phrase in NO_POINT_PHRASES:
        if text.endswith(phrase):
            return None  # the gemeente cell follows on the next line
    n = longest_suffix(words, gaz.gemeenten) or (longest_suffix(words, gaz.places) if final else 0)
    if n == 0 or n == len(words):
        return None
    gemeente, rest = " ".join(words[-n:]), words[:-n]
    rest_text = " ".join(rest)
    for phrase in NO_POINT_PHRASES:
        if rest_text.endswith(phrase):
            return Split(rest_text[: -len(phrase)].strip(), "", gemeente, phrase, False)
    if len(rest) == 1:  # "<name> <gemeente>": the town cell is missing
        return Split(rest_text, gemeente, gemeente, "", True)
    m = min(longest_suffix(rest, gaz.places), len(rest) - 1)  # the name keeps a word
    guessed = m == 0
    m = m or 1  # a town missing from the gazetteer: take the word before the gemeente
    return Split(" ".join(rest[:-m]), " ".join(rest[-m:]), gemeente, "", guessed)


def read_appendix(seed: Path) -> tuple[list[tuple[int, str, bool]], dict[int, str]]:
    """Body lines ``(line number, text, starts a page)`` of Appendix 1 and its footnotes."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    try:
        start = next(i for i, t in enumerate(lines) if t.strip() == START_MARKER)
        end = next(i for i, t in enumerate(lines) if t.strip() == END_MARKER)
    except StopIteration:
        raise SystemExit(f"{seed}: markers {START_MARKER!r} / {END_MARKER!r} not found") from None
    # Footnotes are numbered through the report; the first one of the appendix is
    # the first "<n>  text" line after the start marker.
    first = next(int(m.group(1)) for t in lines[start + 1:end]
                 if (m := FOOTNOTE_RE.match(" ".join(t.split()))))
    body: list[tuple[int, str, bool]] = []
    footnotes: dict[int, str] = {}
    current: int | None = None
    for i in range(start + 1, end):
        raw = lines[i]
        page_start = PAGE_START_RE.match(raw) is not None
        text = " ".join(raw.split())
        if page_start:
            current = None
        m = FOOTNOTE_RE.match(text)
        if m and not page_start and int(m.group(1)) == max(footnotes, default=first - 1) + 1:
            current = int(m.group(1))
            footnotes[current] = text[len(m.group(1)):].strip()
            continue
        if current is not None:
            footnotes[current] = f"{footnotes[current]} {text}".strip()
            continue
        body.append((i + 1, text, page_start))
    return body, footnotes


def strip_marker(text: str, numbers: list[int]) -> tuple[str, list[int]]:
    """Remove footnote markers glued to a word ("Querido3", "TeamED165" -> "TeamED16")."""
    found = []
    words = text.split()
    for j, word in enumerate(words):
        if word.isdigit():
            continue
        for n in sorted(numbers, key=lambda x: -len(str(x))):
            s = str(n)
            if word.endswith(s) and len(word) > len(s):
                words[j] = word[: -len(s)]
                found.append(n)
                break
    return " ".join(words), found


def extract(shared: Path) -> pd.DataFrame:
    """Parse Appendix 1 into the steunpunten table (one row per counted steunpunt)."""
    gaz = Gazetteer.from_shared(shared)
    body, footnotes = read_appendix(shared / SEED)
    content = [(ln, t, ps) for ln, t, ps in body if t]
    heading_idx = {
        k - 1
        for k, (_, t, ps) in enumerate(content)
        if k > 0 and not ps and (HEADER_RE.match(t) or t == NO_SITES)
    }
    numbers = [n for n in sorted(footnotes) if n >= 2]
    rows: list[Row] = []
    open_row: Row | None = None  # a row that does not end in a gemeente yet
    region: str | None = None
    regions: list[str] = []
    for k, (ln, text, _) in enumerate(content):
        if k in heading_idx:
            region, open_row = text, None
            regions.append(region)
            continue
        if region is None or HEADER_RE.match(text) or text == NO_SITES:
            continue
        text, marks = strip_marker(text, numbers)
        bullet = text.startswith("\u2022")
        text = text.lstrip("\u2022").strip()
        if open_row is not None and not bullet:
            open_row.add(text)
            open_row.footnotes += marks
        else:
            open_row = Row(region, ln, bullet, footnotes=marks)
            open_row.add(text)
            rows.append(open_row)
        if split_row(open_row.text, gaz, final=False) is not None:
            open_row = None
    return build_table(rows, regions, footnotes, gaz)


def build_table(
    rows: list[Row], regions: list[str], footnotes: dict[int, str], gaz: Gazetteer
) -> pd.DataFrame:
    records = []
    organisation = ""
    org_notes: list[int] = []
    for i, row in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if not row.bullet:
            organisation, org_notes = "", []
            if nxt is not None and nxt.bullet and nxt.region == row.region:
                organisation, org_notes = row.text, row.footnotes  # heading of sub-locations
                continue
        split = split_row(row.text, gaz, final=True)
        if split is None:
            split = Split(row.text, "", "", "", False)
        name = split.name
        if row.bullet and re.match(r"(?i)^locaties?\b", name):
            name = f"{organisation} {name[0].lower()}{name[1:]}"
        notes = []
        if split.city and not split.no_point:
            notes.append(CITY_LEVEL_NOTE)
        elif split.no_point:
            notes.append(f"no fixed point: the source says '{split.no_point}'")
        else:
            notes.append("no fixed point: the source names no town")
        for n in [*row.footnotes, *(org_notes if row.bullet else [])]:
            notes.append(f"footnote {n}: {footnotes[n]}")
        records.append({
            "name": name,
            "organisation": organisation if row.bullet else "",
            "address": "", "postcode": "",
            "city": split.city, "gemeente": split.gemeente, "iza_region": row.region,
            "lat": "", "lon": "",
            "kind": "satellite" if row.bullet else "steunpunt",
            "capacity_weight": 1,
            "note": "; ".join(notes),
            "in_gooi_en_vechtstreek": "true" if row.region == GOOI else "false",
            "line": row.line, "guessed_city": split.guessed_city,
        })
    table = pd.DataFrame(records)
    ids = [f"{slug(r)}-{slug(n)}" for r, n in zip(table["iza_region"], table["name"], strict=True)]
    seen: dict[str, int] = {}
    unique = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        unique.append(i if seen[i] == 1 else f"{i}-{seen[i]}")
    table.insert(0, "id", unique)
    table.attrs["regions"] = regions
    return table


def read_table_2_2_1(seed: Path) -> dict[str, int]:
    """Known steunpunten per region as printed in Tabel 2.2.1 of the report."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    start = next(i for i, t in enumerate(lines) if t.startswith(TABLE_MARKER))
    counts: dict[str, int] = {}
    pending = ""
    for raw in lines[start + 1:]:
        text = " ".join(raw.split())
        if text.startswith("Totaal"):
            break
        if m := re.match(r"^(.*?)\s*(\d+) (\d+|Onbekend)$", text):
            name = f"{pending} {m.group(1)}".strip()
            counts[name] = int(m.group(2))
            pending = ""
        elif text.startswith("ZHE-BAR"):
            pending = text
    return counts


def region_key(name: str) -> str:
    name = re.sub(r"\(.*?\)?$", "", name)
    return re.sub(r"[^a-z]", "", key(name).replace("provincie", ""))


def compare_with_table(table: pd.DataFrame, expected: dict[str, int]) -> list[str]:
    """Differences between the extracted counts and Tabel 2.2.1 (empty when equal)."""
    got = table.groupby("iza_region").size().to_dict()
    got_keys = {region_key(r): n for r, n in got.items()}
    for r in table.attrs.get("regions", []):
        got_keys.setdefault(region_key(r), 0)
    diffs = []
    for name, n in expected.items():
        k = region_key(name)
        if got_keys.get(k) != n:
            diffs.append(f"{name}: table 2.2.1 says {n}, extracted {got_keys.get(k)}")
    return diffs


def write_csv(table: pd.DataFrame, out: Path) -> None:
    sys.path.insert(0, str(REPO))
    from accessibility.io import atomic_path

    with atomic_path(out) as tmp:
        table[COLUMNS].to_csv(tmp, index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="the reference data folder (default ../shared)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="compare with the existing --out file instead of writing it")
    args = parser.parse_args(argv)
    if not (args.shared / SEED).exists():
        print(f"source text {args.shared / SEED} not found; pass --shared", file=sys.stderr)
        return 2
    table = extract(args.shared)
    diffs = compare_with_table(table, read_table_2_2_1(args.shared / SEED))
    guessed = table.loc[table["guessed_city"], ["line", "name", "city", "gemeente"]]
    print(f"{len(table)} steunpunten in {len(table.attrs['regions'])} IZA regions "
          f"({(table['kind'] == 'satellite').sum()} sub-locations); "
          f"{(table['city'] == '').sum()} without a town")
    for d in diffs:
        print(f"differs from Tabel 2.2.1: {d}")
    if len(guessed):
        print(f"{len(guessed)} town(s) not in the gazetteer, taken as the word before the gemeente:")
        print(guessed.to_string(index=False))
    if args.check:
        committed = pd.read_csv(args.out, dtype=str, keep_default_na=False)
        fresh = table[COLUMNS].astype(str)
        if not committed.equals(fresh.reset_index(drop=True)):
            print(f"{args.out} differs from the extraction; rerun without --check", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    write_csv(table, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
