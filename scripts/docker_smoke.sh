#!/usr/bin/env bash
# Builds the container image and smoke-tests it: the server answers /api/health with the engine's
# version, its database lands in the volume (/data/microneedling/records.db), the request log has
# the health line, a `users add` run through the image on the same volume gives a token the
# running server accepts, bad input is refused with the field named, the server stops cleanly on
# the image's stop signal, and what it wrote is still in the volume for the next container.
# Removes its containers and volume (the image stays: its size is printed).
#
# Engine: docker if a daemon answers, else podman (or CONTAINER_ENGINE). Base images: Docker
# Hub's (the Dockerfile's defaults) unless --local-bases is given or Docker Hub cannot be
# reached; then scripts/container_bases.sh makes them from the Debian archive and this machine's
# Rust toolchain. The cargo build in the image fetches crates from crates.io.
#
# Usage: scripts/docker_smoke.sh [--local-bases] [IMAGE_TAG]     (default tag microneedling:smoke)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
local_bases=0
tag=""
while [ $# -gt 0 ]; do
    case "$1" in
        --local-bases) local_bases=1; shift ;;
        -*) echo "docker_smoke: unknown option '$1' (accepted: --local-bases, then an image tag)" >&2; exit 2 ;;
        *) [ -z "$tag" ] || { echo "docker_smoke: one image tag only (got '$tag' and '$1')" >&2; exit 2; }
           tag="$1"; shift ;;
    esac
done
tag="${tag:-microneedling:smoke}"
name="microneedling-smoke-$$"
volume="microneedling-smoke-$$"
started=$SECONDS

log() { echo "docker_smoke: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

if [ -n "${CONTAINER_ENGINE:-}" ]; then
    engine="$CONTAINER_ENGINE"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
elif command -v podman >/dev/null && podman info >/dev/null 2>&1; then
    engine=podman
else
    log "no container engine: no Docker daemon answers (docker info) and podman is not usable"
    exit 2
fi
log "engine: $engine"

# The base images: Docker Hub's unless asked otherwise or unreachable. The registry's API root
# answers 401 (or 200) to anyone; anything else (no answer, a proxy's refusal) means out of reach.
build_args=()
if [ "$local_bases" = 0 ]; then
    hub="$(curl -sS -o /dev/null --max-time 10 -w '%{http_code}' https://registry-1.docker.io/v2/ 2>/dev/null || true)"
    case "$hub" in
        200 | 401) ;;
        *) log "Docker Hub cannot be reached (HTTP ${hub:-none}): making the base images locally"
           local_bases=1 ;;
    esac
fi
if [ "$local_bases" = 1 ]; then
    bases="$("$root/scripts/container_bases.sh" --engine "$engine")" || fail "scripts/container_bases.sh"
    rust_image="$(sed -n 's/^RUST_IMAGE=//p' <<<"$bases")"
    runtime_image="$(sed -n 's/^RUNTIME_IMAGE=//p' <<<"$bases")"
    build_args=(--build-arg "RUST_IMAGE=$rust_image" --build-arg "RUNTIME_IMAGE=$runtime_image")
else
    runtime_image="$(sed -n 's/^ARG RUNTIME_IMAGE=//p' "$root/Dockerfile")"
    "$engine" pull "$runtime_image" >/dev/null || fail "cannot pull $runtime_image"
fi
log "base images: ${build_args[*]:-the defaults of the Dockerfile}"

# Engine options this machine needs, found by running the runtime base: none on a usual machine.
# A sandbox without CAP_SYS_RESOURCE cannot raise the open-file and process limits to podman's
# defaults (setrlimit: Operation not permitted): ask for its own hard limits instead. crun
# refuses a cgroup v1/v2 hybrid with a controller on v2 ("cgroups in hybrid mode not
# supported"): runc runs there.
engine_opts=()
run_opts=()
probe_err="$(mktemp)"
cleanup() {
    "$engine" "${engine_opts[@]}" rm -f "$name" >/dev/null 2>&1 || true
    "$engine" "${engine_opts[@]}" volume rm "$volume" >/dev/null 2>&1 || true
    rm -f "$probe_err"
}
trap cleanup EXIT
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=4096:4096")
runtimes=("")
[ "$engine" = podman ] && command -v runc >/dev/null && runtimes+=("runc")
probed=0
for runtime in "${runtimes[@]}"; do
    for with_limits in 0 1; do
        engine_opts=()
        run_opts=()
        [ -n "$runtime" ] && engine_opts=(--runtime "$runtime")
        [ "$with_limits" = 1 ] && run_opts=("${limits[@]}")
        if "$engine" "${engine_opts[@]}" run --rm "${run_opts[@]}" "$runtime_image" true 2>"$probe_err"; then
            probed=1
            break 2
        fi
    done
done
[ "$probed" = 1 ] || fail "no container runs here ($engine run --rm $runtime_image true): $(cat "$probe_err")"
log "engine options: ${engine_opts[*]:-none}; run options: ${run_opts[*]:-none}"
e() { "$engine" "${engine_opts[@]}" "$@"; }

build_started=$SECONDS
e build "${run_opts[@]}" "${build_args[@]}" -t "$tag" "$root" || fail "$engine build"
build_seconds=$((SECONDS - build_started))
size_bytes="$(e image inspect --format '{{.Size}}' "$tag")"
log "built $tag in ${build_seconds} s: $size_bytes bytes"

e volume create "$volume" >/dev/null
# Host port 0: the engine picks a free one, asked back below.
e run -d --name "$name" "${run_opts[@]}" -p 127.0.0.1::8080 -v "$volume:/data" "$tag" >/dev/null \
    || fail "$engine run $tag"
port="$(e port "$name" 8080/tcp | head -n1 | sed 's/.*://')"
[ -n "$port" ] || fail "no host port published for 8080"
url="http://127.0.0.1:$port"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
body=""
for _ in $(seq 1 30); do
    body="$(curl -fsS "$url/api/health" 2>/dev/null)" && break
    sleep 1
done
if [ -z "$body" ]; then
    e logs "$name" >&2 || true
    fail "/api/health did not answer within 30 s"
fi
case "$body" in
    *"\"engine_version\":\"$version\""*) log "health: $body" ;;
    *) fail "health answer without engine_version $version: $body" ;;
esac

# The database is in the volume, not in the container's own layer.
e exec "$name" test -s /data/microneedling/records.db \
    || fail "/data/microneedling/records.db is missing or empty in the volume"
log "database in the volume: $(e exec "$name" ls -l /data/microneedling/records.db)"
# The request log has its line for the health check.
e logs "$name" 2>&1 | grep -q 'route=/api/health' || fail "no request log line with route=/api/health"

# A user added through the image, against the same volume, is known to the running server.
added="$(e run --rm "${run_opts[@]}" -v "$volume:/data" "$tag" users add smoke-clinician --role clinician --json)" \
    || fail "users add through the image"
token="$(sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' <<<"$added")"
[ -n "$token" ] || fail "users add printed no token: $added"
status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/api/records/summary")"
[ "$status" = 200 ] || fail "the server refused the new user's token: HTTP $status"
status="$(curl -sS -o /dev/null -w '%{http_code}' "$url/api/records/summary")"
[ "$status" = 401 ] || fail "the records summary answered HTTP $status without a token (expected 401)"
log "users add through the image: its token opens /api/records/summary (200; 401 without a token)"

# Bad input: a clear refusal naming the field and a non-zero exit, never a panic.
if refused="$(e run --rm "${run_opts[@]}" -v "$volume:/data" "$tag" users add x --role surgeon 2>&1)"; then
    fail "users add --role surgeon was accepted"
fi
grep -q -- '--role' <<<"$refused" || fail "the refusal does not name --role: $refused"
grep -q -i 'panick' <<<"$refused" && fail "users add panicked: $refused"
log "bad input refused: $(head -n1 <<<"$refused")"

# The image's stop signal ends the server cleanly and at once (not by SIGKILL after the timeout).
stop_started=$SECONDS
e stop -t 10 "$name" >/dev/null
stop_seconds=$((SECONDS - stop_started))
exit_code="$(e inspect --format '{{.State.ExitCode}}' "$name")"
[ "$exit_code" = 0 ] || fail "the server exited with $exit_code on stop (expected 0)"
[ "$stop_seconds" -lt 5 ] || fail "the server took ${stop_seconds} s to stop (the stop signal was not handled)"
log "stopped in ${stop_seconds} s (whole seconds), exit code 0"
e rm "$name" >/dev/null

# What the server and `users add` wrote outlives the containers.
listed="$(e run --rm "${run_opts[@]}" -v "$volume:/data" "$tag" users list)" || fail "users list through the image"
grep -q 'smoke-clinician' <<<"$listed" || fail "the user is not in the volume after the containers are gone: $listed"
log "a new container reads the volume: $listed"

log "ok: $tag ($size_bytes bytes, built in ${build_seconds} s, whole run $((SECONDS - started)) s) answered $body"
