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
ENV STRETCHBOT_STORAGE_PATH=/data/stretchbot.db
ENTRYPOINT ["stretchbot"]
CMD ["run"]
