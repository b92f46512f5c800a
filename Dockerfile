# syntax=docker/dockerfile:1
# Carina: one image for the server (API + built browser client) and the evaluator workers.
#   server:    node --import tsx seed/start-with-demo.ts --server-only   (the default command)
#   evaluator: node --import tsx server/worker-main.ts          (docker-compose.yml's `evaluator` service)
# Node runs the processes directly (not through npm), so SIGTERM reaches them and they drain gracefully.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies (esbuild …) to bundle the browser client into dist/client/ and the `carina` command
#     into dist/cli/ (npm ci's `prepare` skips that here: the sources are copied after it)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's install script fetches optional extra files; its bundled CPU runtime is all Carina uses
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:client
RUN npm run build:cli

# --- runtime: production dependencies only (tsx, a runtime dependency, runs the TypeScript sources), non-root
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data \
    STORAGE_DIR=/data/storage
WORKDIR /app
# bubblewrap: the model sandbox (server/models/sandbox/); util-linux (prlimit, setpriv) is in the base image
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY contract ./contract
COPY server ./server
COPY evaluator ./evaluator
COPY migrations ./migrations
COPY seed ./seed
COPY ranking ./ranking
COPY docs ./docs
COPY --from=build /app/dist/client ./dist/client
COPY --from=build /app/dist/cli ./dist/cli
# scratch files and the local blob cache (uploads land here before they go to the object store)
RUN mkdir -p /data/storage && chown -R node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "--import", "tsx", "server/observability/health-check.ts", "server"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "seed/start-with-demo.ts", "--server-only"]
