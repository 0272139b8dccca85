"""The Python package: the engine's numbers through plain dicts, NumPy arrays and pyarrow."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import microneedling

ROOT = Path(__file__).resolve().parents[3]

SPEC = """
name = "py-test"
seed = 3
patients = 90
indication = "acne-scars"

[population]
age_years = { min = 20, max = 60 }
female_share = 0.5
fitzpatrick_weights = [1, 1, 1, 1, 1, 1]
sites = ["cheek"]

[protocols]
devices = ["dermaroller-192"]
lengths_mm = [1.0, 1.5]
sessions = [3]
interval_weeks = [4]
"""


def test_penetration_is_the_engines_and_deeper_needles_go_deeper():
    short = microneedling.penetration("dermaroller-192", "cheek", length_mm=0.5)
    long = microneedling.penetration("dermaroller-192", "cheek", length_mm=1.5)
    assert 0 < short["effective_depth_um"] < long["effective_depth_um"] < 1500
    assert long["injured_dermis_fraction"] > short["injured_dermis_fraction"]


def test_bad_input_raises_value_error_naming_the_field():
    with pytest.raises(ValueError, match="length_mm"):
        microneedling.penetration("dermaroller-192", "cheek", length_mm=9.0)
    with pytest.raises(ValueError, match="site"):
        microneedling.healing("skinpen", "elbow", 3, 4)


def test_healing_returns_arrays_and_an_outcome_band():
    h = microneedling.healing("dermaroller-192", "cheek", 3, 4, indication="acne-scars",
                              samples=200)
    weekly = h["weekly"]
    assert isinstance(weekly["new_collagen_pct"], np.ndarray)
    assert weekly["week"][0] == 0 and len(weekly["week"]) == len(weekly["new_collagen_pct"])
    assert np.all(np.isfinite(weekly["new_collagen_pct"]))
    months = [p["month"] for p in h["outcome"]]
    assert months == [1, 3, 6, 12]
    for p in h["outcome"]:
        assert p["p10"] <= p["median"] <= p["p90"]
    # The same seed gives the same band.
    again = microneedling.healing("dermaroller-192", "cheek", 3, 4, indication="acne-scars",
                                  samples=200)
    assert again["outcome"] == h["outcome"]


def test_delivery_through_channels_beats_intact_skin():
    d = microneedling.delivery("ascorbic-acid", "cheek", device="dermaroller-192", hours=6.0)
    assert isinstance(d["delivered"]["absorbed"], np.ndarray)
    assert d["delivered"]["absorbed"][-1] > d["intact"]["absorbed"][-1]


def test_cohort_is_a_pyarrow_table_that_matches_its_shards(tmp_path):
    table = microneedling.cohort(SPEC)
    assert table.num_rows == 180
    assert table.column("patient_index").to_pylist()[:2] == [0, 0]
    sharded = tmp_path / "shards"
    for i in range(3):
        microneedling.cohort_shard(SPEC, str(sharded), i, 3)
    manifest = microneedling.cohort_merge(str(sharded))
    assert manifest["shards"] == 3 and manifest["rows"] == 180
    import pyarrow.dataset as ds
    files = sorted(sharded.glob("*.parquet"), key=lambda p: int(p.name.split("-")[1]))
    merged = ds.dataset([str(f) for f in files], format="parquet").to_table()
    assert merged.to_pylist() == table.to_pylist()


def test_duckdb_reads_the_shards(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    microneedling.cohort_shard(SPEC, str(tmp_path), 0, 1)
    rows = duckdb.sql(
        f"SELECT length_mm, count(*) AS n, median(outcome_improvement_month_6) AS m "
        f"FROM '{tmp_path}/*.parquet' GROUP BY length_mm ORDER BY length_mm"
    ).fetchall()
    assert [r[0] for r in rows] == [1.0, 1.5] and all(r[1] == 90 for r in rows)
    # Longer needles injure more dermis, and the median improvement follows.
    assert rows[1][2] > rows[0][2]


def test_the_dask_example_runs_shards_on_a_local_cluster(tmp_path):
    pytest.importorskip("dask.distributed")
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples/python/dask_cohort.py"), str(spec), str(out),
         "--shards", "3", "--workers", "2"],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "3 shards, 180 rows" in run.stdout
    assert (out / "manifest.json").exists()
