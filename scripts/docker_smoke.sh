#!/usr/bin/env bash
# Builds the container image and checks that the server in it answers /api/health with the
# engine's version, that the database lands in the volume, then removes the container.
# Needs a running Docker daemon that can pull the rust and debian base images.
# Usage: scripts/docker_smoke.sh [IMAGE_TAG]
set -euo pipefail

tag="${1:-microneedling:smoke}"
root="$(cd "$(dirname "$0")/.." && pwd)"
name="microneedling-smoke-$$"
volume="microneedling-smoke-$$"

if ! docker info >/dev/null 2>&1; then
    echo "docker_smoke: no Docker daemon answers (docker info failed): cannot build here" >&2
    exit 2
fi

cleanup() {
    docker rm -f "$name" >/dev/null 2>&1 || true
    docker volume rm "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker build -t "$tag" "$root"
docker volume create "$volume" >/dev/null
# Port 0: the daemon picks a free host port; asked back below.
docker run -d --name "$name" -p 127.0.0.1::8080 -v "$volume:/data" "$tag" >/dev/null
port="$(docker port "$name" 8080/tcp | head -n1 | sed 's/.*://')"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
for _ in $(seq 1 30); do
    if body="$(curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null)"; then
        break
    fi
    sleep 1
done
if [ -z "${body:-}" ]; then
    echo "docker_smoke: /api/health did not answer within 30 s" >&2
    docker logs "$name" >&2 || true
    exit 1
fi
case "$body" in
    *"\"engine_version\":\"$version\""*) ;;
    *) echo "docker_smoke: unexpected health answer: $body" >&2; exit 1 ;;
esac
# The database was created in the volume, not in the container's own layer.
docker exec "$name" test -s /data/microneedling/records.db
# The request log has its timestamped line for the health check.
docker logs "$name" 2>&1 | grep -q 'route=/api/health'
echo "docker_smoke: ok ($tag answers /api/health on port $port: $body)"
