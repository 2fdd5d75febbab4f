import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { defaultConfig } from '../../src/config/defaults.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { buildApp } from '../../src/http/app.js';
import { LiveShows } from '../../src/live/live-shows.js';
import { ShowCatalog } from '../../src/live/show-catalog.js';
import { createLogger } from '../../src/log/logger.js';
import { TranscodeLauncher } from '../../src/pipeline/launcher.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  hlsRoot: string;
  live: LiveShows;
  catalog: ShowCatalog;
  logs: () => string;
  auth: { authorization: string };
}

/** The real HTTP app on a real SQLite file, without the RTMP listener (nothing publishes here). */
export async function buildTestApp(options: { apiRateLimitPerMinute?: number } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-http-'));
  const hlsRoot = join(dir, 'media', 'hls');
  mkdirSync(hlsRoot, { recursive: true });
  let logText = '';
  const logger = createLogger({
    level: 'debug',
    pretty: false,
    destination: new Writable({
      write(chunk, _e, cb) {
        logText += String(chunk);
        cb();
      },
    }),
  });
  const db = openDatabase(join(dir, 'hawker.db'));
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const launcher = new TranscodeLauncher({ config: defaultConfig, hlsRoot, logger, inputUrlFor: () => 'rtmp://127.0.0.1:1/none' });
  const live = new LiveShows({ shows, events, pipelines: launcher, logger, reconnectWindowMs: 1000 });
  const catalog = new ShowCatalog(shows, events, live);
  const app = await buildApp({
    logger,
    adminToken: ADMIN_TOKEN,
    bodyLimitBytes: defaultConfig.http.bodyLimitBytes,
    apiRateLimitPerMinute: options.apiRateLimitPerMinute ?? defaultConfig.http.apiRateLimitPerMinute,
    trustProxy: false,
    urls: { publicUrl: 'https://shop.example', ingestUrl: 'rtmp://shop.example:1935/live' },
    catalog,
    liveStats: () => live.stats(),
    hlsRoot,
    version: '0.0.0-test',
    readiness: [{ name: 'database', check: () => true }],
  });
  return { app, db, hlsRoot, live, catalog, logs: () => logText, auth: { authorization: `Bearer ${ADMIN_TOKEN}` } };
}
