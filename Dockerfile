# Intake: multi-stage build. The build stage compiles TypeScript; the final stage holds
# only production dependencies and the compiled code, and runs as a non-root user.
# (No Docker engine runs on the development machines: this file is kept right by reading.)

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the image already is Node 24 (the `node` devDependency's download is
# not needed), and better-sqlite3 loads its bundled prebuilt binary (npm would otherwise
# compile it with node-gyp, and the slim image has no compiler).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# tsc through the image's node, not npx: node_modules/.bin/node is the skipped devDependency.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && node scripts/copy-assets.mjs

FROM node:24-bookworm-slim
# MALLOC_ARENA_MAX: the shebang's environment (src/main.ts); see README "Footprint".
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    INTAKE_DATA_DIR=/var/lib/intake \
    INTAKE_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
RUN groupadd --system intake && useradd --system --gid intake --home /var/lib/intake intake \
    && mkdir -p /var/lib/intake && chown intake:intake /var/lib/intake
USER intake
VOLUME ["/var/lib/intake"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The flags of src/main.ts's shebang: a small young generation for an idle daemon, and gc()
# after a message of many megabytes (src/ingest/release-large.ts).
CMD ["node", "--max-semi-space-size=4", "--expose-gc", "dist/main.js"]
