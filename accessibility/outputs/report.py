"""Regional report (HTML, in Dutch; English on request) that a policy adviser can lift
into a regioplan.

The report is one self-contained HTML file: maps are embedded as PNG data
URIs, tables are plain HTML, and every figure carries its parameters and the
method. Content is assembled by the jobs (one function per section); this
module only renders it, in the report's language: the fixed texts of the page
(:data:`PAGE_TEXT`) and the number notation (``1.234,5`` or ``1,234.5``).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape

from accessibility.io import write_text_atomic


@dataclass
class ReportSection:
    """A titled block of the report: paragraphs, tables and figures."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[tuple[str, Path]] = field(default_factory=list)


@dataclass
class Report:
    """Everything the regional report shows."""

    title: str
    region_title: str
    synthetic: bool
    parameters: dict[str, str]
    key_figures: list[tuple[str, str]]
    sections: list[ReportSection]
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    lang: str = "nl"


PAGE_TEXT = {
    "nl": {
        "made": "gemaakt op",
        "synthetic": "Let op: dit rapport is gemaakt met de SYNTHETISCHE demoregio. De cijfers "
                     "zijn verzonnen en zeggen niets over een echte regio.",
        "parameters": "Parameters",
        "footer": "Gemaakt met accessibility (open source). Reistijden berekend op de "
                  "GTFS-dienstregeling en het OpenStreetMap-stratennet. "
                  "EPA-aantallen zijn schattingen.",
    },
    "en": {
        "made": "made on",
        "synthetic": "Note: this report was made with the SYNTHETIC demo region. The figures "
                     "are invented and say nothing about a real region.",
        "parameters": "Parameters",
        "footer": "Made with accessibility (open source). Travel times computed on a GTFS "
                  "timetable and the OpenStreetMap street network. "
                  "EPA counts are estimates.",
    },
}


_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ r.lang }}">
<head>
<meta charset="utf-8">
<title>{{ r.title }}</title>
<style>
 body { font-family: "Segoe UI", Arial, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.45; }
 h1 { color: #1d4e89; margin-bottom: 0.2em; }
 h2 { color: #1d4e89; border-bottom: 2px solid #1d4e89; padding-bottom: 0.2em; margin-top: 2em; }
 .synthetic { background: #fff3cd; border: 1px solid #e0b400; padding: 0.8em 1em; margin: 1em 0; font-weight: bold; }
 table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
 th, td { border: 1px solid #c8d3e0; padding: 0.3em 0.6em; text-align: right; }
 th { background: #e8eef6; }
 td:first-child, th:first-child, td.text, th.text { text-align: left; }
 .kpi { display: flex; flex-wrap: wrap; gap: 1em; margin: 1em 0; }
 .kpi div { background: #e8eef6; border-radius: 6px; padding: 0.7em 1em; min-width: 180px; }
 .kpi b { display: block; font-size: 1.5em; color: #1d4e89; }
 figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
 figcaption { font-size: 0.9em; color: #555; }
 .params td { text-align: left; }
 footer { margin-top: 3em; font-size: 0.85em; color: #666; }
</style>
</head>
<body>
<h1>{{ r.title }}</h1>
<p>{{ r.region_title }} &middot; {{ t.made }} {{ r.generated.strftime("%d-%m-%Y %H:%M") }}</p>
{% if r.synthetic %}<div class="synthetic">{{ t.synthetic }}</div>{% endif %}
<div class="kpi">{% for label, value in r.key_figures %}<div>{{ label }}<b>{{ value }}</b></div>{% endfor %}</div>
<h2>{{ t.parameters }}</h2>
<table class="params">{% for k, v in r.parameters.items() %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
{% for s in r.sections %}
<h2>{{ s.title }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>{% endfor %}
{% for caption, table in s.tables %}<p><b>{{ caption }}</b></p>{{ table | safe }}{% endfor %}
{% for caption, uri in s.figures %}<figure><img src="{{ uri }}" alt="{{ caption }}"><figcaption>{{ caption }}</figcaption></figure>{% endfor %}
{% endfor %}
<footer>{{ t.footer }}</footer>
</body>
</html>
"""


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def nl_number(value: float, decimals: int = 0) -> str:
    """A number in Dutch notation: ``1234.5`` -> ``"1.234,5"``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def number(value: float, decimals: int = 0, lang: str = "nl") -> str:
    """A number in the notation of ``lang``: ``1.234,5`` (nl) or ``1,234.5`` (en)."""
    return nl_number(value, decimals) if lang == "nl" else f"{value:,.{decimals}f}"


def _decimals(value: float) -> int:
    """Decimals a float rounded for people carries (at least 1, at most 6: coordinates)."""
    text = f"{value:.6f}".rstrip("0")
    return max(1, len(text.split(".")[1]))


def _cell(value: object, lang: str = "nl") -> object:
    """Whole numbers without decimals, floats with the decimals they were rounded to, in
    the notation of ``lang``; empty cells as "–"; other values as they are."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int) or float(value).is_integer() and not isinstance(value, float):
        return number(value, 0, lang)
    return number(value, _decimals(float(value)), lang)


def _table_html(df: pd.DataFrame, lang: str = "nl") -> str:
    """An HTML table: numbers right-aligned (class ``num``), text left-aligned."""
    from markupsafe import escape

    numeric = [all(v is None or (isinstance(v, int | float) and not isinstance(v, bool))
                   for v in df[c].tolist()) and len(df) > 0 for c in df.columns]
    head = "".join(f'<th class="{"num" if n else "text"}">{escape(str(c))}</th>'
                   for c, n in zip(df.columns, numeric, strict=True))
    rows = []
    for row in df.itertuples(index=False):
        cells = "".join(f'<td class="{"num" if n else "text"}">{escape(str(_cell(v, lang)))}</td>'
                        for v, n in zip(row, numeric, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return (f'<table class="data"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def render_report(report: Report) -> str:
    """Render the report to an HTML string (maps embedded as data URIs)."""
    env = Environment(autoescape=select_autoescape(["html"]))
    sections = [
        ReportSection(
            title=s.title,
            paragraphs=s.paragraphs,
            tables=[(caption, _table_html(df, report.lang)) for caption, df in s.tables],
            figures=[(caption, _png_data_uri(path)) for caption, path in s.figures],
        )
        for s in report.sections
    ]
    shown = Report(report.title, report.region_title, report.synthetic, report.parameters,
                   report.key_figures, sections, report.generated, report.lang)
    return env.from_string(_TEMPLATE).render(r=shown, t=PAGE_TEXT[report.lang])


def write_report(report: Report, path: Path) -> Path:
    """Render and write the report atomically; returns the path."""
    write_text_atomic(Path(path), render_report(report))
    return Path(path)
