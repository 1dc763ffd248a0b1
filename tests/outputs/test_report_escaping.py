"""Names from user files appear as text in the HTML report, never as markup."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from accessibility.jobs.candidates import candidate_frame
from accessibility.jobs.check_location import run_check_location
from accessibility.jobs.region import RegionData
from accessibility.outputs.report import Report, ReportSection, render_report

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_every_text_field_of_the_report_is_escaped() -> None:
    table = pd.DataFrame({"steunpunt": [SCRIPT], "bereik": [12.5]})
    report = Report(
        title=f"Rapport {SCRIPT}", region_title=SCRIPT, synthetic=False,
        parameters={SCRIPT: SCRIPT}, key_figures=[(SCRIPT, SCRIPT)],
        sections=[ReportSection(SCRIPT, paragraphs=[SCRIPT], tables=[(SCRIPT, table)])])
    html = render_report(report)
    assert SCRIPT not in html and "<script" not in html.lower()
    assert html.count(ESCAPED) >= 9  # title x2, region, parameter x2, figure x2, section ...


def test_check_location_report_shows_a_hostile_candidate_name_as_text(tmp_path: Path) -> None:
    data = RegionData.load("demo", cache_dir=tmp_path / "cache")
    candidate = candidate_frame(["x1"], [SCRIPT], np.array([52.46078]), np.array([5.25282]),
                                "test")
    run_check_location(data, candidate, tmp_path / "check")
    html = (tmp_path / "check" / "rapport_locatietoets.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "<script" not in html.lower()
    assert f"Voorgestelde locatie: {ESCAPED}" in html
