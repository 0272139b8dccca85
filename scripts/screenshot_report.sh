#!/usr/bin/env bash
# Writes docs/images/plan-report.png: the top of the acne-scar example's plan report (header,
# cautions, zones and the first figure) as Debian's headless chromium renders it, through the
# same browser check as the tests (browser/check.mjs), and fails if any figure's text overlaps or
# is clipped. Needs chromium and `npm ci --prefix browser` (as .ci/run installs them).
# Usage: scripts/screenshot_report.sh [OUTPUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/images/plan-report.png}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cargo run --quiet --locked -- plan examples/acne-scars.toml --report "$tmp/plan.html" >/dev/null
mkdir -p "$(dirname "$out")"
node browser/check.mjs "$tmp/plan.html" "$out" >"$tmp/check.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const problems = [...r.errors, ...r.requests, ...r.text.problems, ...r.printText.problems];
if (problems.length) { console.error(JSON.stringify(problems, null, 1)); process.exit(1); }
console.error(`checked ${r.figures.length} figures, ${r.text.measured} text boxes: no overlap, no clipping`);
' "$tmp/check.json"
echo "wrote $out" >&2
