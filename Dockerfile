# syntax=docker/dockerfile:1
# Build: the same cgo build .ci/run performs (go-sqlite3 needs cgo).
FROM golang:1.24-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/stretchbot ./cmd/stretchbot

# Run: a small Debian image (glibc for the cgo binary), as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data stretchbot \
    && mkdir -p /data && chown stretchbot /data
COPY --from=build /out/stretchbot /usr/local/bin/stretchbot
USER stretchbot
VOLUME /data
# Metrics and health on every interface of the container (publish the port only to the
# host, or scrape it from the compose network); the HEALTHCHECK asks /readyz through the
# binary itself, since the slim image has no curl.
ENV STRETCHBOT_STORAGE_PATH=/data/stretchbot.db \
    STRETCHBOT_METRICS_LISTEN=:9090
EXPOSE 9090
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["stretchbot", "health"]
ENTRYPOINT ["stretchbot"]
CMD ["run"]
