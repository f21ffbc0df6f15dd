# One Dockerfile for the four apps: docker build --build-arg APP=backend .
# Build stage: the whole workspace, then esbuild bundles each app (npm run build) so the image needs no node_modules.
FROM node:20.20-bookworm-slim AS build
WORKDIR /repo
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund && npm run build

# Run stage: Node and one app's bundle, as a user that is not root.
FROM node:20.20-bookworm-slim
ARG APP
# Memory, for the pods' 512 MiB limit (infra/workloads/dapr-app.ts), measured by npm run bench:memory (docs/scale.md):
# two malloc arenas instead of one per thread (libuv's pool, V8's GC helpers), V8's old space capped at 128 MB (a live
# heap is 60-85 MB under load; uncapped, V8 let garbage grow RSS past 450 MB) and its young semi-spaces at 8 MB: at 2 MB
# the requests in flight outlived each scavenge and were promoted, and old-space collections ran every second.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build --chown=10001:10001 /repo/apps/${APP}/dist ./dist
USER 10001:10001
EXPOSE 8000
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/main.js"]
