# One Dockerfile for the four apps: docker build --build-arg APP=backend .
# Build stage: the whole workspace, then esbuild bundles each app (npm run build) so the image needs no node_modules.
FROM node:20.20-bookworm-slim AS build
WORKDIR /repo
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund && npm run build

# Run stage: Node and one app's bundle, as a user that is not root.
FROM node:20.20-bookworm-slim
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=10001:10001 /repo/apps/${APP}/dist ./dist
USER 10001:10001
EXPOSE 8000
CMD ["node", "--enable-source-maps", "dist/main.js"]
