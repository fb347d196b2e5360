# Intake: multi-stage build. The build stage compiles TypeScript; the final stage holds
# only production dependencies and the compiled code, and runs as a non-root user.
# (No Docker engine runs on the development machines: this file is kept right by reading.)

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The `node` devDependency would download a second Node; the image already is Node 24.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npx tsc -p tsconfig.build.json && node scripts/copy-assets.mjs

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    INTAKE_DATA_DIR=/var/lib/intake \
    INTAKE_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
RUN groupadd --system intake && useradd --system --gid intake --home /var/lib/intake intake \
    && mkdir -p /var/lib/intake && chown intake:intake /var/lib/intake
USER intake
VOLUME ["/var/lib/intake"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
