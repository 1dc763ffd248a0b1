"""Example journeys from buurt centres to the nearest steunpunt (demo region): the journey's
minutes are the matrix's shortest trip in the window, and the report section reads well."""

from __future__ import annotations

import numpy as np
import pytest

from accessibility.jobs.example_journeys import (
    N_WRITTEN,
    buurt_centres,
    example_journeys,
    example_table,
    newly_covered_examples,
    whitespot_examples_section,
)
from accessibility.jobs.region import RegionData
from accessibility.routing import TravelTimeMatrix


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> RegionData:
    return RegionData.load("demo", cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def buurten(demo):
    gdf = demo.buurten.gdf
    inhabited = gdf[gdf["aantal_inwoners"].fillna(0) > 0]
    return inhabited.assign(population=inhabited["aantal_inwoners"], median_time_min=np.nan,
                            witte_vlek=np.arange(len(inhabited)) % 2 == 0)


def test_example_minutes_are_the_matrix_fastest_trip(demo, buurten) -> None:
    steunpunten = demo.steunpunten()
    examples = example_journeys(demo, buurten, steunpunten, "nl")
    table = examples.table
    assert len(table) == min(len(buurten), 50)
    assert (table["population"].diff().dropna() <= 0).all()  # most inhabitants first
    # The shortest trip over the window without waiting at the origin: percentile 1 picks the
    # minimum of the minutes; the nearest steunpunt is the minimum over the steunpunten.
    q = examples.request.replace(percentiles=(1,))
    ttm = TravelTimeMatrix(demo.network, buurt_centres(buurten), steunpunten[["id", "geometry"]], q)
    best = ttm.groupby("from_id")["travel_time"].min()
    got = table.set_index("buurtcode")["reistijd_min"]
    reached = best.dropna()
    assert len(reached) >= 5
    assert got.reindex(best.index).isna().tolist() == best.isna().tolist()
    assert (got[reached.index].astype(int) == reached.astype(int)).all()
    # Its steunpunt is one at that matrix time.
    for code, row in table.set_index("buurtcode").iterrows():
        if code in reached.index:
            at_best = ttm[(ttm["from_id"] == code) & (ttm["travel_time"] == reached[code])]
            names = set(steunpunten.set_index("id").loc[at_best["to_id"], "name"])
            assert row["steunpunt"] in names
            assert examples.sentences[code].endswith(".")


def test_section_writes_out_the_most_populous(demo, buurten) -> None:
    examples = example_journeys(demo, buurten, demo.steunpunten(), "en")
    section = whitespot_examples_section(examples, "en")
    assert section.title == "Example journeys from the white spots"
    written = section.paragraphs[2:2 + N_WRITTEN]
    names = examples.table["buurtnaam"].head(N_WRITTEN).tolist()
    assert [p.split(" (")[0] for p in written] == [f"{i}. {n}" for i, n in
                                                   enumerate(names, start=1)]
    assert all("inhabitants): " in p for p in written)
    table = example_table(examples, "en")
    assert list(table.columns)[:4] == ["buurt", "gemeente", "inhabitants",
                                       "buurt travel time (median, min)"]
    assert all(v is None or isinstance(v, int) for v in table["example journey (min)"])
    empty = example_journeys(demo, buurten.iloc[:0], demo.steunpunten(), "nl")
    assert whitespot_examples_section(empty, "nl") is None


def test_newly_covered_buurten_count_the_candidate(demo, buurten) -> None:
    after = buurten.assign(witte_vlek=False)
    centre = buurt_centres(buurten.iloc[[0]])
    site = centre.assign(id="kandidaat", name="Nieuwe plek")
    examples = newly_covered_examples(demo, buurten, after, demo.steunpunten(), site, "nl")
    assert set(examples.table["buurtcode"]) == set(buurten.loc[buurten["witte_vlek"], "buurtcode"])
    first = examples.table.set_index("buurtcode").loc[buurten["buurtcode"].iloc[0]]
    assert first["steunpunt"] == "Nieuwe plek" and first["reistijd_min"] == 0
