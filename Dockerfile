# syntax=docker/dockerfile:1
#
# The dateline worker image: a Rust builder stage, then a small Debian runtime
# with only the shared libraries the binary links (OpenSSL, the C runtime).
#
#   docker build -t dateline:local .
#   docker run --rm dateline:local classify --sample
#   docker run --rm -p 9898:9898 -v "$PWD/deploy/dateline.toml:/etc/dateline/dateline.toml:ro" dateline:local
#
# Needs BuildKit (the default builder since Docker 23) for the cache mounts.
# docker-compose.yml builds it as `dateline:local`; deploy/k8s expects it pushed
# to a registry (see deploy/README.md).

# Builder and runtime share one Debian release, so the OpenSSL the binary was
# linked against is the one it finds at run time (libssl3 in bookworm).
ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS builder

# rdkafka builds librdkafka from source: cmake, a C toolchain (in the rust
# image), pkg-config, OpenSSL and zlib headers; SASL headers as in .ci/run.
# Versions are not pinned: the Debian release pins them, and a pinned version
# disappears from the mirrors at the next point release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake libsasl2-dev libssl-dev pkg-config zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# The whole workspace (every member must be present, and `samples/` is
# embedded by `dateline classify --sample`); .dockerignore keeps target/,
# deploy/, scripts/ and the like out, so editing a dashboard does not
# invalidate this layer.
COPY . .

# The registry and target caches survive between builds (BuildKit cache
# mounts), so a source edit recompiles dateline, not librdkafka. The binary is
# copied out of the cache mount, which is not part of the layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release -p dateline-cli --locked \
 && install -D -m 0755 target/release/dateline /out/dateline

FROM debian:${DEBIAN_RELEASE}-slim AS runtime

# ca-certificates: TLS to managed Kafka (the system store is librdkafka's
# default CA). libssl3: what the binary links. Nothing else: the healthcheck
# uses bash's /dev/tcp, not curl.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 dateline \
 && useradd --system --uid 10001 --gid dateline --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin dateline

COPY --from=builder /out/dateline /usr/local/bin/dateline

# The binary's own default (127.0.0.1:9898, loopback) is unreachable from outside a
# container; the image listens on all interfaces, port 9898, which
# docker-compose.yml, deploy/prometheus and deploy/k8s all use. An environment
# variable beats the config file (see `dateline run --help`): to move the port,
# override this variable, not metrics.addr.
ENV DATELINE_METRICS_ADDR=0.0.0.0:9898
EXPOSE 9898

# Numeric ids, so Kubernetes' runAsNonRoot can verify them. No file is written
# at run time: the root file system can be mounted read-only.
USER 10001:10001
WORKDIR /

# Liveness only (/healthz: the process serves HTTP); readiness (/readyz) is for
# orchestrators that route or scale on it. One HTTP/1.0 request over bash's
# /dev/tcp to the port of DATELINE_METRICS_ADDR; `dateline produce` and other
# one-shot commands have no metrics server, so compose disables this for them.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>\"/dev/tcp/127.0.0.1/${DATELINE_METRICS_ADDR##*:}\" && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# SIGTERM starts the worker's drain (up to [shutdown] drain_timeout_ms, 20 s by
# default): give `docker stop` more than that (`--time 30`, or compose's
# stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dateline"]
CMD ["run", "--config", "/etc/dateline/dateline.toml"]
