"""Isochrone bands: rings that do not overlap and add up to the outer isochrone."""

from __future__ import annotations

import itertools

import pytest
import shapely
from map_inputs import two_centre_isochrones

from accessibility.errors import InputError
from accessibility.outputs.bands import isochrone_bands, nearest_bands


def test_bands_of_each_location_do_not_overlap_and_cover_the_outer_isochrone():
    iso, _ = two_centre_isochrones()
    bands = isochrone_bands(iso, {"west": "Steunpunt West", "oost": "Oost"})
    assert list(bands.columns) == ["location_id", "naam", "band", "van_min", "tot_min",
                                   "oppervlak_km2", "geometry"]
    west = bands[bands.location_id == "west"]
    assert list(west["band"]) == ["0-15", "15-30", "30-45", "45-60"]
    assert set(west["naam"]) == {"Steunpunt West"}
    for a, b in itertools.combinations(west.geometry, 2):
        assert a.intersection(b).area < 1.0  # m²
    outer = iso[(iso.location_id == "west") & (iso.cutoff == 60)].geometry.iloc[0]
    assert shapely.union_all(list(west.geometry)).symmetric_difference(outer).area < 1.0
    assert west["oppervlak_km2"].sum() == pytest.approx(outer.area / 1e6, abs=0.01)


def test_nearest_bands_are_the_union_over_locations():
    iso, _ = two_centre_isochrones()
    bands = nearest_bands(iso)
    within_15 = shapely.union_all(list(iso[iso.cutoff == 15].geometry))
    assert bands.geometry.iloc[0].symmetric_difference(within_15).area < 1.0
    assert set(bands["location_id"]) == {""}
    with pytest.raises(InputError, match="lack a 'cutoff' column"):
        isochrone_bands(iso.drop(columns="cutoff"))
