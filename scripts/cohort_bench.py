#!/usr/bin/env python3
"""Cohort speed: runs the acne-scar example cohort N times (release build) and reports the
median and range of rows per second and of the share of the run spent writing Parquet.

    python3 scripts/cohort_bench.py 5

Each run writes to a fresh directory; the binary's own timing (--json `timing`) separates the
row computation from the Arrow/Parquet writing.
"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / "target/release/microneedling"
SPEC = ROOT / "examples/cohorts/acne-scars.toml"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "microneedling-cli"],
                   cwd=ROOT, check=True)
    rates, shares, walls = [], [], []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
        start = time.perf_counter()
        done = subprocess.run([str(BINARY), "cohort", "run", str(SPEC), "--out", str(out),
                               "--quiet", "--json"], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        shutil.rmtree(out)
        result = json.loads(done.stdout)
        timing = result["timing"]
        rates.append(result["rows"] / wall)
        shares.append(100 * timing["write_s"] / (timing["compute_s"] + timing["write_s"]))
        walls.append(wall)
    def show(name, values, fmt):
        print(f"{name}: median {fmt(statistics.median(values))} "
              f"(range {fmt(min(values))}-{fmt(max(values))})")
    print(f"{runs} runs of {SPEC.name} (whole process, release build)")
    show("wall time, s", walls, lambda v: f"{v:.1f}")
    show("rows per second", rates, lambda v: f"{v:,.0f}")
    show("Parquet writing, % of the run", shares, lambda v: f"{v:.1f}")


if __name__ == "__main__":
    main()
