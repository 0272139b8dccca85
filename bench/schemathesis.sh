#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document with schemathesis (PyPI): every operation,
# generated valid and invalid inputs, with a clinician's token. Passes when no request gets a
# 5xx and the server never crashes. Run from the repository root: bash bench/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${SCHEMATHESIS_EXAMPLES:-30}"
venv=bench/.venv-schemathesis
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi
cargo build --release --quiet
work=$(mktemp -d)
db="$work/records.db"
port=18181
token=$(target/release/microneedling users add fuzzer --role clinician --db "$db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
MICRONEEDLING_QUIET=1 target/release/microneedling serve --addr "127.0.0.1:$port" --db "$db" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/openapi.json" >/dev/null && break; sleep 0.2; done
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
  --url "http://127.0.0.1:$port" \
  --checks not_a_server_error \
  --header "Authorization: Bearer $token" \
  --max-examples "$examples" \
  --seed 1
kill -0 "$server"  # still alive after the fuzzing
echo "schemathesis: no 5xx, server alive"
