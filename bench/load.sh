#!/usr/bin/env bash
# Load benchmark on loopback with wrk (Debian): screening, a plan without a topical, and an
# overload of delivery simulations (503 expected, fast). Bounded: each run lasts DURATION seconds.
# Run from the repository root: bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-15}"
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk"; exit 1; }
cargo build --release --quiet
work=$(mktemp -d)
port=18282
MICRONEEDLING_QUIET=1 target/release/microneedling serve --addr "127.0.0.1:$port" --db "$work/records.db" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/openapi.json" >/dev/null && break; sleep 0.2; done

body() {  # a patient file as the JSON body of /api/screen or /api/plan
  python3 - "$1" <<'PY'
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(json.dumps({"patient": tomllib.load(f)}))
PY
}
lua() {  # $1: JSON body
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$1" > "$work/post.lua"
}

echo "== POST /api/screen (acne-scars patient)"
lua "$(body examples/acne-scars.toml)"
wrk -t2 -c32 -d"${duration}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/screen"

echo "== POST /api/plan (rosacea patient: no topical)"
lua "$(body examples/rosacea.toml)"
wrk -t2 -c32 -d"${duration}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/plan"

echo "== POST /api/simulate/delivery, 4 connections (throughput)"
lua '{"agent": "ascorbic-acid", "device": "dermapen", "site": "cheek"}'
wrk -t2 -c4 -d"${duration}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/simulate/delivery"

echo "== POST /api/simulate/delivery, overload (256 connections)"
lua '{"agent": "ascorbic-acid", "device": "dermapen", "site": "cheek"}'
wrk -t2 -c256 -d"${duration}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/simulate/delivery"
