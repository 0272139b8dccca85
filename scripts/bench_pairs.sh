#!/usr/bin/env bash
# Interleaved before/after timing of one criterion benchmark at two git revisions.
#
#   scripts/bench_pairs.sh BEFORE AFTER BENCH FILTER [ROUNDS]
#   scripts/bench_pairs.sh 6c86d0d HEAD plan "2 topicals" 8
#
# Builds the benchmark BENCH of microneedling-core at both revisions (each in a git worktree
# under target/bench-pairs, with its own target directory, so the working tree is untouched),
# then runs them in turn, ROUNDS times each (default 6), criterion filtered to FILTER with a
# 1 s warm-up and 4 s of measurement per run, and prints every run's estimate and the medians
# with their ranges. The machine's speed drifts by up to a tenth over minutes; runs taken in turn
# see the same drift, runs taken apart do not (docs/performance.md quotes pairs made this way).
set -euo pipefail

if [ $# -lt 4 ]; then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
before=$1 after=$2 bench=$3 filter=$4 rounds=${5:-6}
root=$(git rev-parse --show-toplevel)
work="$root/target/bench-pairs"
mkdir -p "$work"

# Prints the path of BENCH's executable built at revision $1.
build() {
    local rev commit tree
    rev=$1
    commit=$(git -C "$root" rev-parse --verify "$rev^{commit}")
    tree="$work/$commit"
    if [ ! -d "$tree" ]; then
        git -C "$root" worktree add --detach --force "$tree" "$commit" >/dev/null 2>&1
    fi
    (cd "$tree" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$tree/target" \
        cargo bench -p microneedling-core --bench "$bench" --no-run --message-format=json 2>/dev/null) |
        python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["bench"]:
        print(m["executable"])
' | tail -1
}

first=$(build "$before")
second=$(build "$after")
[ -n "$first" ] && [ -n "$second" ] || { echo "bench_pairs: no $bench executable built" >&2; exit 1; }

log=$(mktemp)
for _ in $(seq "$rounds"); do
    for side in before after; do
        exe=$first
        [ "$side" = after ] && exe=$second
        # The whole output first: a reader that stops early would break criterion's pipe.
        output=$("$exe" --bench "$filter" --warm-up-time 1 --measurement-time 4 --noplot \
            --discard-baseline 2>/dev/null)
        estimate=$(printf '%s\n' "$output" | grep 'time:' | sed -n \
            '1s/.*\[[^ ]* [^ ]* \([^ ]* [^ ]*\) .*/\1/p')
        echo "$side $estimate" | tee -a "$log"
    done
done
python3 - "$log" "$before" "$after" <<'EOF'
import statistics, sys
scale = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
runs = {"before": [], "after": []}
for line in open(sys.argv[1]):
    side, value, unit = line.split()
    runs[side].append(float(value) * scale[unit])
b, a = runs["before"], runs["after"]
mb, ma = statistics.median(b), statistics.median(a)
print(f"{sys.argv[2]}: median {mb:.3f} ms ({min(b):.3f}-{max(b):.3f}); "
      f"{sys.argv[3]}: median {ma:.3f} ms ({min(a):.3f}-{max(a):.3f}); ratio {ma / mb:.3f}")
EOF
rm -f "$log"
