import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { defaultConfig } from '../../src/config/defaults.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { buildApp, LISTEN_BACKLOG } from '../../src/http/app.js';
import { captureLogs } from './capture-logs.js';
import { buildServices, servicesForHttp } from '../../src/services.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  dataDir: string;
  hlsRoot: string;
  services: ReturnType<typeof buildServices>;
  logs: () => string;
  auth: { authorization: string };
}

/** The real HTTP app and services on a real SQLite file, without the RTMP listener. */
export async function buildTestApp(
  options: {
    apiRateLimitPerMinute?: number;
    viewerRateLimitPerMinute?: number;
    audience?: Partial<typeof defaultConfig.audience>;
    trustProxy?: boolean;
    metricsToken?: string;
    webhooks?: Partial<typeof defaultConfig.webhooks>;
    images?: Partial<typeof defaultConfig.images>;
    /** a data dir of the test's own (a small file system, to fill) */
    dataDir?: string;
    storage?: Partial<typeof defaultConfig.storage>;
    /** payment providers (the Stripe tests point stripe at their local Stripe-speaking server) */
    payments?: Partial<typeof defaultConfig.payments>;
    /** /readyz also checks storage (free space, last write), as in production */
    checkStorage?: boolean;
    /** the FFmpeg binary the test pattern runs (default: the one on PATH) */
    ffmpegPath?: string;
    checkout?: Partial<typeof defaultConfig.checkout>;
    reminders?: Partial<typeof defaultConfig.reminders>;
    /** the reminders' push services' CA (the test's local HTTPS push service) */
    pushCa?: string | Buffer;
    referrals?: Partial<typeof defaultConfig.referrals>;
    embed?: Partial<typeof defaultConfig.embed>;
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hawker-http-'));
  const hlsRoot = join(dataDir, 'media', 'hls');
  const { logger, text: logText } = captureLogs('debug');
  const db = openDatabase(join(dataDir, 'hawker.db'));
  const services = buildServices({
    db,
    config: {
      ...defaultConfig,
      audience: { ...defaultConfig.audience, ...options.audience },
      images: { ...defaultConfig.images, ...options.images },
      storage: { ...defaultConfig.storage, ...options.storage },
      payments: { ...defaultConfig.payments, ...options.payments },
      checkout: { ...defaultConfig.checkout, ...options.checkout },
      reminders: { ...defaultConfig.reminders, ...options.reminders },
      referrals: { ...defaultConfig.referrals, ...options.referrals },
      ffmpeg: { ...defaultConfig.ffmpeg, path: options.ffmpegPath ?? defaultConfig.ffmpeg.path },
      // the HTTP tests' webhook receivers listen on 127.0.0.1; the refusal itself has its own tests
      webhooks: { ...defaultConfig.webhooks, allowPrivateTargets: true, ...options.webhooks },
    },
    dataDir,
    publicUrl: 'https://shop.example',
    logger,
    inputUrlFor: () => 'rtmp://127.0.0.1:1/none',
    ...(options.pushCa ? { pushCa: options.pushCa } : {}),
  });
  const app = await buildApp({
    logger,
    adminToken: ADMIN_TOKEN,
    metricsToken: options.metricsToken ?? '',
    bodyLimitBytes: defaultConfig.http.bodyLimitBytes,
    apiRateLimitPerMinute: options.apiRateLimitPerMinute ?? defaultConfig.http.apiRateLimitPerMinute,
    imageUploadLimitBytes: defaultConfig.http.imageUploadLimitBytes,
    viewerRateLimitPerMinute: options.viewerRateLimitPerMinute ?? defaultConfig.http.viewerRateLimitPerMinute,
    ...servicesForHttp(services),
    maxConnectionsPerAddress: options.audience?.maxConnectionsPerAddress ?? defaultConfig.audience.maxConnectionsPerAddress,
    heartbeatSeconds: options.audience?.heartbeatSeconds ?? defaultConfig.audience.heartbeatSeconds,
    trustProxy: options.trustProxy ?? false,
    urls: { publicUrl: 'https://shop.example', ingestUrl: 'rtmp://shop.example:1935/live' },
    hlsRoot,
    version: '0.0.0-test',
    embed: { ...defaultConfig.embed, ...options.embed },
    readiness: [{ name: 'database', check: () => true }, ...(options.checkStorage ? [{ name: 'storage', check: () => services.storage.ready() }] : [])],
  });
  services.hub.start();
  app.addHook('onClose', async () => {
    services.hub.stop();
    services.testPatterns.stopAll();
    services.overlays.shutdown();
    await services.dispatcher.stop();
    await services.reminderScheduler.stop();
    services.pushSender.close();
    // a show left live by a test keeps its poster loop: stopped before the database closes
    await services.livePosters.close();
  });
  return { app, db, dataDir, hlsRoot, services, logs: logText, auth: { authorization: `Bearer ${ADMIN_TOKEN}` } };
}

/** The test app listening on a loopback port the OS picks (for real sockets): its base URL. */
export async function listenTestApp(app: TestApp): Promise<string> {
  await app.app.listen({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG });
  const address = app.app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
