# Flyt platform image: the webserver, the daemon and the CLI (`flyt migrate`, `flyt run-worker`, …).
# Multi-stage: the build stage compiles the workspace and assembles /app with production
# dependencies only (deploy/docker/assemble-runtime.sh, the same script CI runs on a copy of the
# tree); the runtime stage is node:20-alpine with that tree, run as an unprivileged numeric user.
# Build: docker build -t flyt:0.1.0 .   Guide: docs/deploy/image.md
ARG NODE_IMAGE=node:20-alpine3.22

FROM ${NODE_IMAGE} AS build
# Toolchain for better-sqlite3 when no prebuilt addon matches the platform; this stage is thrown
# away, so the packages are not pinned.
# hadolint ignore=DL3018
RUN apk add --no-cache python3 make g++ bash
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund \
 && npx tsc -b \
 && npm run build --workspace packages/ui --if-present \
 && bash deploy/docker/assemble-runtime.sh /src /app

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="flyt" \
      org.opencontainers.image.description="Flyt platform: webserver, daemon and CLI" \
      org.opencontainers.image.source="https://github.com/flyt-dev/flyt"
ENV NODE_ENV=production \
    HOME=/tmp \
    FLYT_HOME=/tmp/flyt \
    FLYT_DEFINITIONS_CACHE=/tmp/flyt-definitions-cache
# Owned by root and read-only to the runtime user: the root filesystem can be mounted read-only.
COPY --from=build /app /app
RUN ln -s /app/packages/cli/bin/flyt.js /usr/local/bin/flyt
WORKDIR /app
# The `node` user of the base image; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000 4000
ENTRYPOINT ["flyt"]
CMD ["--help"]
