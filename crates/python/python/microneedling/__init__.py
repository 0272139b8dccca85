"""Microneedling models from Python.

Penetration, drug delivery through the channels, healing and clinical outcomes, and virtual
cohorts, computed by the Rust engine (the same validated paths as the ``microneedling`` CLI and
API). Results are plain dicts; numeric series are NumPy arrays; cohorts are pyarrow Tables.
Decision support only.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, Optional

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import _microneedling as _core

__version__ = _core.__version__

__all__ = [
    "penetration",
    "delivery",
    "healing",
    "cohort",
    "cohort_shard",
    "cohort_merge",
    "edition",
]


def _arrays(points: list) -> Dict[str, np.ndarray]:
    """A list of records with numeric fields as one NumPy array per field."""
    if not points:
        return {}
    keys = [k for k, v in points[0].items() if isinstance(v, (int, float))]
    return {k: np.asarray([p[k] for p in points], dtype=float) for k in keys}


def penetration(device: str, site: str, length_mm: Optional[float] = None, sex: str = "female",
                age: float = 35.0, passes: Optional[int] = None) -> Dict[str, Any]:
    """How deep a device setting goes on one person's skin, and what it injures."""
    return json.loads(_core.penetration(device, site, length_mm, sex, age, passes))


def delivery(agent: str, site: str, device: Optional[str] = None,
             length_mm: Optional[float] = None, hours: float = 24.0,
             mg_per_ml: Optional[float] = None, sex: str = "female",
             age: float = 35.0) -> Dict[str, Any]:
    """A topical through the channels of ``device`` (intact skin only when ``None``).

    ``result["delivered"]`` and ``result["intact"]`` hold the amounts over time as arrays.
    """
    result = json.loads(_core.delivery(agent, site, device, length_mm, hours, mg_per_ml, sex, age))
    result["delivered"] = _arrays(result.get("delivered_ug_per_cm2", []))
    result["intact"] = _arrays(result.get("intact_ug_per_cm2", []))
    return result


def healing(device: str, site: str, sessions: int, interval_weeks: int,
            indication: Optional[str] = None, topical: Optional[str] = None,
            scale: Optional[str] = None, baseline: Optional[float] = None,
            length_mm: Optional[float] = None, months: int = 12, seed: int = 1,
            samples: int = 1000, sex: str = "female", age: float = 35.0) -> Dict[str, Any]:
    """A series of sessions (``device="none"`` for a topical alone): the weekly course and the
    outcome band on the indication's trial scale.

    ``result["weekly"]`` holds the weekly series as arrays (``week``, ``new_collagen_pct``, ...);
    ``result["outcome"]`` is a list of ``{month, scale, median, p10, p90, score}``.
    """
    result = json.loads(_core.healing(device, site, sessions, interval_weeks, indication, topical,
                                      scale, baseline, length_mm, months, seed, samples, sex, age))
    result["weekly"] = _arrays(result["series"])
    return result


def cohort_shard(spec: str, out_dir: str, index: int = 0, count: int = 1) -> str:
    """Runs shard ``index`` of ``count`` of a cohort spec (a path or TOML text) into ``out_dir``;
    returns the Parquet file's path. A complete shard of the same spec is not redone."""
    return _core.cohort_shard(_spec_text(spec), os.fspath(out_dir), index, count)


def cohort_merge(out_dir: str) -> Dict[str, Any]:
    """Checks that ``out_dir`` holds every shard of one spec once; writes and returns its manifest."""
    return json.loads(_core.cohort_merge(os.fspath(out_dir)))


def cohort(spec: str, out_dir: Optional[str] = None) -> pa.Table:
    """Runs a whole cohort spec (a path or TOML text) and returns its rows as a pyarrow Table
    (one row per virtual patient and protocol; columns in docs/cohorts.md)."""
    if out_dir is None:
        with tempfile.TemporaryDirectory() as tmp:
            path = cohort_shard(spec, tmp)
            return pq.read_table(path)
    return pq.read_table(cohort_shard(spec, out_dir))


def edition() -> Dict[str, str]:
    """The knowledge base's version and the decision-support disclaimer."""
    return json.loads(_core.edition())


def _spec_text(spec: str) -> str:
    if os.path.exists(spec):
        with open(spec, encoding="utf-8") as f:
            return f.read()
    return spec
