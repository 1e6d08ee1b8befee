# Multi-stage build: one builder compiles both binaries; each runtime image carries one of them.
FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bins \
    && mkdir -p /out && cp target/release/innohub-api target/release/innohub-worker /out/

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 innohub
USER innohub

FROM runtime AS api
COPY --from=builder /out/innohub-api /usr/local/bin/innohub-api
EXPOSE 8080
ENTRYPOINT ["innohub-api"]
CMD ["serve"]

FROM runtime AS worker
COPY --from=builder /out/innohub-worker /usr/local/bin/innohub-worker
ENTRYPOINT ["innohub-worker"]
CMD ["run"]
