"""The metadata file every job writes next to its outputs."""

from __future__ import annotations

import json
from pathlib import Path

from accessibility.analysis.grid import Grid
from accessibility.io import atomic_path
from accessibility.jobs.region import RegionData


def write_metadata(data: RegionData, path: Path, **extra) -> None:
    """Write ``metadata.json``: region, routing parameters, norm, the settings given on the
    command line (``overrides``), grid, warnings (English) and ``extra`` fields."""
    grid: Grid | None = extra.pop("grid", None)
    meta = {
        "region": data.config.name,
        "title": data.config.title,
        "synthetic": data.synthetic,
        "parameters": data.request.parameters(),
        "overrides": data.overrides.as_dict(),
        "norm_minutes": data.config.analysis.norm_minutes,
        "max_time_minutes": data.config.analysis.max_time_minutes,
        "cutoffs_minutes": list(data.config.analysis.cutoffs_minutes),
        "grid": None if grid is None else {"cell_m": grid.cell_m, "n_cells": grid.n_cells,
                                           "crs": grid.crs},
        "warnings": data.warnings,
        **extra,
    }
    with atomic_path(path) as p:
        p.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str), encoding="utf-8")

