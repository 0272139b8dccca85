# The microneedling server in a container: `serve` on port 8080, the records database in the
# volume /data. Two stages: the build stage compiles with cargo from crates.io only (the
# knowledge base is embedded at build time: nothing is fetched at run time); the runtime stage is
# a slim Debian with the one binary, run as an unprivileged user.
#
#   docker build -t microneedling .
#   docker run --rm -p 8080:8080 -v microneedling-data:/data microneedling
#   docker run --rm -v microneedling-data:/data microneedling users add dr-a --role clinician
#
# scripts/docker_smoke.sh builds the image (docker or podman) and smoke-tests it; with
# --local-bases, or when Docker Hub cannot be reached, it first makes the two base images below
# from the Debian archive (scripts/container_bases.sh) and passes them as build arguments.

# The base images, as build arguments so that a machine without Docker Hub can supply its own.
# Fully qualified, so that podman needs no short-name configuration. The build base is the
# workspace's minimum Rust version (Cargo.toml rust-version).
ARG RUST_IMAGE=docker.io/library/rust:1.89-slim-bookworm
ARG RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
# Only the binary's crate: no Python bindings, no benches. rusqlite bundles SQLite (cc, no system
# library needed).
RUN cargo build --release --locked -p microneedling-cli \
    && cp target/release/microneedling /usr/local/bin/microneedling

FROM ${RUNTIME_IMAGE}
RUN useradd --system --uid 10001 --home-dir /data microneedling \
    && mkdir -p /data && chown microneedling /data
COPY --from=build /usr/local/bin/microneedling /usr/local/bin/microneedling
USER microneedling
VOLUME ["/data"]
EXPOSE 8080
# Every command of the image finds the same database, /data/microneedling/records.db, and the
# configuration in /data/.config/microneedling/config.toml if there is one (or the file
# MICRONEEDLING_CONFIG names: docs/configuration.md).
ENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/data/.config
# `serve` stops cleanly on SIGTERM (the engines' and Kubernetes' stop signal) and on SIGINT: it
# finishes the requests in flight and exits 0 (crates/cli/tests/serve.rs).
ENTRYPOINT ["microneedling"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
