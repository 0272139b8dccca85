#!/usr/bin/env python3
"""Cohort memory: runs the acne-scar example cohort at three sizes (release build) and reports
each run's peak resident memory, to check that memory stays flat as the cohort grows (rows are
computed and written in streamed row groups, never held all at once).

    python3 scripts/cohort_memory.py

Each size runs once in its own process; the peak is that process's own (wait4's ru_maxrss).
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / "target/release/microneedling"
SPEC = ROOT / "examples/cohorts/acne-scars.toml"
SIZES = [25_000, 100_000, 400_000]


def run(patients: int) -> tuple[float, float, int]:
    """(peak MiB, wall s, rows) of one run of the example with `patients` patients."""
    work = Path(tempfile.mkdtemp(prefix="cohort-memory-"))
    try:
        spec = work / "spec.toml"
        text = SPEC.read_text()
        spec.write_text(re.sub(r"(?m)^patients = \d+", f"patients = {patients}", text))
        out = work / "out"
        start = time.perf_counter()
        child = subprocess.Popen([str(BINARY), "cohort", "run", str(spec), "--out", str(out),
                                  "--quiet"], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"cohort run of {patients} patients failed ({status})")
        rows = sum(1 for _ in out.glob("*.parquet"))
        return usage.ru_maxrss / 1024, wall, rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "microneedling-cli"],
                   cwd=ROOT, check=True)
    print(f"{SPEC.name}, one run per size (release build)")
    print("patients   peak RSS (MiB)   wall (s)")
    for patients in SIZES:
        peak, wall, _ = run(patients)
        print(f"{patients:>8,}   {peak:>14.0f}   {wall:>8.1f}")


if __name__ == "__main__":
    main()
