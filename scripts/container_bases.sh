#!/usr/bin/env bash
# Builds the two base images of the Dockerfile locally, for a machine that reaches the Debian
# archive but not Docker Hub (the development machine: only package registries are reachable).
#
#   runtime base  localhost/microneedling-runtime-base:bookworm
#                 debootstrap --variant=minbase bookworm, slimmed the way debian:bookworm-slim is
#                 (no apt caches, man pages, docs or translations)
#   build base    localhost/microneedling-build-base:rust-X.Y.Z
#                 the same plus gcc, libc6-dev, ca-certificates and pkg-config (what rust:*-slim
#                 adds: rusqlite compiles the bundled SQLite with cc) and THIS machine's Rust
#                 toolchain (rustup's directory for the active cargo), copied to /usr/local/rust
#
# The names say what the images are: they are not Docker Hub's rust and debian images, and the
# toolchain is this machine's (1.95 here), newer than the workspace's minimum (1.89), which the
# Dockerfile's default build base keeps. Existing images are kept unless --rebuild is given.
#
# The build base also trusts the certificate authorities this machine added locally
# (/usr/local/share/ca-certificates/*.crt, as update-ca-certificates takes them): behind a
# TLS-intercepting proxy (this machine's egress, a company's) cargo in the build stage cannot
# reach crates.io otherwise ("self-signed certificate in certificate chain"). --no-host-ca leaves
# them out. The runtime base gets none: the server fetches nothing.
# Prints the two image names, one `NAME=image` per line, on stdout; everything else on stderr.
# Needs root (debootstrap), debootstrap and the container engine.
#
# Usage: scripts/container_bases.sh [--engine podman|docker] [--rebuild] [--no-host-ca]
set -euo pipefail

engine="${CONTAINER_ENGINE:-podman}"
rebuild=0
host_ca=1
while [ $# -gt 0 ]; do
    case "$1" in
        --engine) engine="${2:?--engine needs podman or docker}"; shift 2 ;;
        --rebuild) rebuild=1; shift ;;
        --no-host-ca) host_ca=0; shift ;;
        *) echo "container_bases: unknown argument '$1' (accepted: --engine podman|docker, --rebuild, --no-host-ca)" >&2; exit 2 ;;
    esac
done

suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
log() { echo "container_bases: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap builds a root filesystem)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
command -v "$engine" >/dev/null || die "no '$engine' on PATH"

cargo_bin="$(rustup which cargo 2>/dev/null || command -v cargo || true)"
[ -n "$cargo_bin" ] || die "no Rust toolchain found (rustup which cargo, cargo on PATH)"
toolchain="$(cd "$(dirname "$(readlink -f "$cargo_bin")")/.." && pwd)"
[ -x "$toolchain/bin/rustc" ] || die "no rustc next to $cargo_bin (expected $toolchain/bin/rustc)"
rust_version="$("$toolchain/bin/rustc" --version | awk '{print $2}')"

runtime_image="localhost/microneedling-runtime-base:$suite"
build_image="localhost/microneedling-build-base:rust-$rust_version"

exists() { "$engine" image inspect "$1" >/dev/null 2>&1; }

work="$(mktemp -d "${TMPDIR:-/var/tmp}/microneedling-bases.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# One minbase root filesystem, slimmed like the official slim images: dpkg leaves out man pages,
# docs (but copyrights) and translations from now on, and what debootstrap put there goes too.
bootstrap() {
    local dir="$1" include="$2"
    log "debootstrap --variant=minbase ${include:+--include=$include }$suite ($mirror)"
    debootstrap --variant=minbase ${include:+--include="$include"} "$suite" "$dir" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    cat >"$dir/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$dir/usr/share/man/"* "$dir/usr/share/info/"*
    find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
    rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"* "$dir/var/cache/apt/"*.bin
    # The engine provides these at run time; the build machine's own must not ship in the image.
    : >"$dir/etc/resolv.conf"
    echo localhost >"$dir/etc/hostname"
}

import() {
    local dir="$1" image="$2"
    shift 2
    tar -C "$dir" --numeric-owner -c . | "$engine" import "$@" - "$image" >/dev/null
    log "$image: $("$engine" image inspect --format '{{.Size}}' "$image") bytes"
}

if [ "$rebuild" = 1 ] || ! exists "$runtime_image"; then
    bootstrap "$work/runtime" ""
    import "$work/runtime" "$runtime_image" \
        --change "LABEL org.opencontainers.image.description=debootstrap minbase $suite $(cat "$work/runtime/etc/debian_version")" \
        --change 'CMD ["bash"]'
    rm -rf "$work/runtime"
else
    log "$runtime_image exists (--rebuild to make it again)"
fi

if [ "$rebuild" = 1 ] || ! exists "$build_image"; then
    bootstrap "$work/build" "ca-certificates,gcc,libc6-dev,pkg-config"
    # The toolchain's binaries and libraries, not its 800 MB of offline documentation (share/).
    mkdir -p "$work/build/usr/local/rust" "$work/build/usr/local/cargo"
    for part in bin lib libexec; do
        [ -d "$toolchain/$part" ] && cp -a "$toolchain/$part" "$work/build/usr/local/rust/"
    done
    "$work/build/usr/local/rust/bin/rustc" --version >/dev/null \
        || die "the copied toolchain does not run outside rustup ($toolchain)"
    cas=()
    if [ "$host_ca" = 1 ]; then
        shopt -s nullglob
        cas=(/usr/local/share/ca-certificates/*.crt)
        shopt -u nullglob
    fi
    if [ "${#cas[@]}" -gt 0 ]; then
        log "the build base trusts this machine's local CAs: ${cas[*]##*/}"
        cp "${cas[@]}" "$work/build/usr/local/share/ca-certificates/"
        chroot "$work/build" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates in the build base"
    fi
    # The same layout and variables as Docker Hub's rust images: CARGO_HOME holds the registry
    # cache, cargo and rustc are on PATH.
    import "$work/build" "$build_image" \
        --change "LABEL org.opencontainers.image.description=debootstrap minbase $suite with gcc and this machine's rustc $rust_version" \
        --change 'ENV CARGO_HOME=/usr/local/cargo' \
        --change 'ENV PATH=/usr/local/rust/bin:/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]'
    rm -rf "$work/build"
else
    log "$build_image exists (--rebuild to make it again)"
fi

echo "RUST_IMAGE=$build_image"
echo "RUNTIME_IMAGE=$runtime_image"
