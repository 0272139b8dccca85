# The microneedling server in a container: `serve` on port 8080, the records database in the
# volume /data. Two stages: the build stage compiles with cargo from crates.io only (the
# knowledge base is embedded at build time: nothing is fetched at run time); the runtime stage is
# a slim Debian with the one binary, run as an unprivileged user.
#
#   docker build -t microneedling .
#   docker run --rm -p 8080:8080 -v microneedling-data:/data microneedling
#   docker run --rm -v microneedling-data:/data microneedling users add dr-a --role clinician
#
# scripts/docker_smoke.sh builds the image and checks that /api/health answers.

# The workspace's minimum Rust version (Cargo.toml rust-version).
FROM rust:1.89-slim-bookworm AS build
WORKDIR /src
COPY . .
# Only the binary's crate: no Python bindings, no benches. rusqlite bundles SQLite (cc, no system
# library needed).
RUN cargo build --release --locked -p microneedling-cli \
    && cp target/release/microneedling /usr/local/bin/microneedling

FROM debian:bookworm-slim
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
ENTRYPOINT ["microneedling"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
