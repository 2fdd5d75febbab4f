# Hawker in one container: RTMP ingest on 1935, API + HLS + pages on 8080, data in /data.
# 22 (LTS), not 24: better-sqlite3 12.x built against Node >= 24.19 headers can abort the
# process when V8 collects a Statement ("Assertion failed: (env) != nullptr"); move to 24
# together with better-sqlite3 13, which needs Node >= 22 on every machine we support.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp uses the headers that ship with Node in the image instead of downloading them
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
      fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HAWKER_DATA_DIR=/data \
    HAWKER_HTTP_HOST=0.0.0.0 \
    HAWKER_HTTP_PORT=8080 \
    HAWKER_RTMP_HOST=0.0.0.0 \
    HAWKER_RTMP_PORT=1935
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
COPY overlays ./overlays
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 1935 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/healthcheck.js"]
STOPSIGNAL SIGTERM
# tini reaps FFmpeg children and forwards SIGTERM to node, which ends live shows cleanly
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
