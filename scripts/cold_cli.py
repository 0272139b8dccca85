#!/usr/bin/env python3
"""Times whole `microneedling` processes (release build), interleaving the commands so that load
on the machine falls on all of them alike; prints the median and the range of N runs each.

Usage: cargo build --release -p microneedling-cli && scripts/cold_cli.py [N]
"""
import statistics
import subprocess
import sys
import tempfile
import time

BIN = "target/release/microneedling"
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
report = tempfile.NamedTemporaryFile(suffix=".html", delete=False).name
COMMANDS = [
    ["screen", "examples/acne-scars.toml"],
    ["plan", "examples/rosacea.toml"],
    ["plan", "examples/acne-scars.toml"],
    ["plan", "examples/acne-scars.toml", "--report", report],
]
times = {i: [] for i in range(len(COMMANDS))}
for _ in range(2):  # warm-up
    for c in COMMANDS:
        subprocess.run([BIN, *c], stdout=subprocess.DEVNULL, check=True)
for _ in range(runs):
    for i, c in enumerate(COMMANDS):
        start = time.perf_counter()
        subprocess.run([BIN, *c], stdout=subprocess.DEVNULL, check=True)
        times[i].append((time.perf_counter() - start) * 1000)
for i, c in enumerate(COMMANDS):
    t = times[i]
    name = " ".join(c).replace(report, "FILE")
    print(f"| `microneedling {name}` | {statistics.median(t):.1f} ms ({min(t):.1f}–{max(t):.1f}) |")
