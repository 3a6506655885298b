# Recipe for an application's code-location image: the application's definitions and its own
# dependencies on top of the Flyt platform image, which brings the SDK, `flyt code-server` and
# `flyt run-worker` (the Kubernetes launcher runs each run as a Job from this same image).
# Copy this file into the application's repository and build it there:
#   docker build -f code-location.Dockerfile --build-arg FLYT_IMAGE=registry.example.com/flyt:0.1.0 -t registry.example.com/atlas/flyt-code:1.4.2 .
# The application lives under /app/code, so `import … from "@flyt/sdk"` resolves to the platform's
# copy in /app/node_modules (keep @flyt/* out of the application's package.json, or as
# peerDependencies, so that the platform's version is the one used). An application that installs
# @flyt/cli itself, as `flyt init` scaffolds it, builds its own image instead (docs/applications.md).
# Guide: docs/deploy/image.md
ARG FLYT_IMAGE=flyt:0.1.0

FROM node:20-alpine3.22 AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# Definitions may stay TypeScript: the platform bundles .ts definitions with esbuild on load.
COPY . .

FROM ${FLYT_IMAGE}
COPY --from=build /build /app/code
ENV FLYT_DEFINITIONS_FILE=/app/code/definitions.ts
EXPOSE 4000
CMD ["code-server", "--host", "0.0.0.0", "--port", "4000", "--file", "/app/code/definitions.ts"]
