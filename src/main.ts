import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveAdminToken } from './config/admin-token.js';
import { ConfigError, loadConfig } from './config/load.js';
import type { HawkerConfig } from './config/schema.js';
import { openDatabase, type Db } from './db/open.js';
import { createFlashSaleRepository, createOverlayStateRepository, createProductRepository } from './db/commerce-repository.js';
import { ProductCatalog } from './commerce/product-catalog.js';
import { ProductImages } from './commerce/product-images.js';
import { ShowOverlays } from './live/show-overlays.js';
import { createOrderLedger, createViewerRepository } from './db/order-ledger.js';
import { createWebhookStore } from './db/webhook-store.js';
import { Orders } from './commerce/orders.js';
import { ShowStatsReport } from './commerce/show-stats.js';
import { Viewers } from './commerce/viewers.js';
import { WebhookDispatcher } from './commerce/webhook-dispatcher.js';
import { loadOverlayTheme } from './overlay/templates.js';
import { createShowEventRepository, createShowRepository } from './db/show-repository.js';
import { buildApp } from './http/app.js';
import { RtmpIngest } from './ingest/rtmp-ingest.js';
import { LiveShows } from './live/live-shows.js';
import { ShowCatalog } from './live/show-catalog.js';
import { createLogger, type Logger } from './log/logger.js';
import { TranscodeLauncher } from './pipeline/launcher.js';
import { createAudienceRepository, createChatRepository, createLineupRepository, createPollRepository, createQuestionRepository } from './db/audience-repository.js';
import { Loyalty } from './commerce/loyalty.js';
import { Coupons, centreEntryForClients } from './commerce/coupons.js';
import { createCouponRepository } from './db/coupon-repository.js';
import { ShowLineup } from './commerce/show-lineup.js';
import { ChatRules } from './realtime/chat-rules.js';
import { LiveHub } from './realtime/live-hub.js';
import { TestPatterns } from './pipeline/test-pattern.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export interface RunningHawker {
  httpUrl: string;
  httpPort: number;
  rtmpPort: number;
  adminToken: string;
  dataDir: string;
  live: LiveShows;
  close(): Promise<void>;
}

function ffmpegWorks(path: string): boolean {
  const probe = spawnSync(path, ['-hide_banner', '-version'], { timeout: 5000, stdio: 'ignore' });
  return probe.status === 0;
}

export interface ServiceInputs {
  db: Db;
  config: HawkerConfig;
  dataDir: string;
  publicUrl: string;
  logger: Logger;
  inputUrlFor(streamKey: string): string;
}

/** Everything behind the API, on one database; the HTTP tests build the same graph. */
export function buildServices({ db, config, dataDir, publicUrl, logger, inputUrlFor }: ServiceInputs) {
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const products = new ProductCatalog(createProductRepository(db), new ProductImages(join(dataDir, 'media', 'products')));
  let launcher: TranscodeLauncher | null = null;
  let hub: LiveHub | null = null;
  const flashSales = createFlashSaleRepository(db);
  const overlays: ShowOverlays = new ShowOverlays({
    onChange: (showId, change, programDateTime, at) =>
      hub?.publish(showId, { type: 'overlay', change, overlay: overlays.view(showId), programDateTime, at: new Date(at).toISOString() }),
    shows,
    events,
    states: createOverlayStateRepository(db),
    flashSales,
    catalog: products,
    theme: loadOverlayTheme(),
    feedRoot: join(dataDir, 'overlay'),
    checkoutUrl: (showId, productId) => `${publicUrl}/watch/${showId}?product=${encodeURIComponent(productId)}`,
    programDateTimeNow: (showId) => launcher?.programDateTimeNow(showId) ?? null,
    logger,
  });
  launcher = new TranscodeLauncher({
    config,
    hlsRoot: join(dataDir, 'media', 'hls'),
    logger,
    inputUrlFor,
    overlays: { inputsFor: (id) => overlays.inputsFor(id), release: (id) => overlays.release(id) },
  });
  const webhooks = createWebhookStore(db);
  const live = new LiveShows({
    shows,
    events,
    pipelines: launcher,
    logger,
    reconnectWindowMs: config.live.reconnectWindowSeconds * 1000,
    onShowEvent: (type, showId, at) => {
      webhooks.enqueue(type === 'show.live' ? 'show.started' : 'show.ended', { showId }, at);
      hub?.publish(showId, { type: 'show', status: type === 'show.live' ? 'live' : 'ended' });
    },
  });
  const viewers = new Viewers(createViewerRepository(db));
  const ledger = createOrderLedger(db, webhooks);
  // loyalty is built below; the level is only asked for when an order comes in
  const orders = new Orders(ledger, createOverlayStateRepository(db), (viewerId, showId) => loyalty.of(viewerId, shows.get(showId)?.host ?? '').level);
  const audience = createAudienceRepository(db);
  const stats = new ShowStatsReport(shows, ledger, events, audience);
  const loyalty = new Loyalty(audience);
  const lineup = new ShowLineup(shows, createLineupRepository(db), products);
  const limits = config.audience;
  const chat = createChatRepository(db);
  const polls = createPollRepository(db);
  const coupons: Coupons = new Coupons({
    coupons: createCouponRepository(db),
    shows,
    events,
    audience,
    chat,
    polls,
    levelOf: (viewerId, host) => loyalty.of(viewerId, host).level,
    notify: (showId, viewerId, coupon) => hub?.sendToViewer(showId, viewerId, { type: 'coupon.unlocked', coupon: centreEntryForClients(coupon) }),
  });
  hub = new LiveHub({
    shows,
    events,
    chat,
    polls,
    questions: createQuestionRepository(db),
    audience,
    lineup: createLineupRepository(db),
    rules: new ChatRules(limits.blocklist),
    limits,
    levelOf: (viewerId, host) => loyalty.of(viewerId, host),
    viewerByToken: (token) => viewers.byToken(token),
    overlayView: (showId) => overlays.view(showId),
    showPollOnOverlay: (showId, poll, record) => overlays.setPoll(showId, poll, record),
    onActivity: (showId, viewerId, kind, text) => coupons.activity(showId, viewerId, kind, text),
    logger,
  });
  const liveHub = hub;
  orders.onPlaced((order) => {
    loyalty.forget(order.viewerId);
    const saleId = order.flashSaleId;
    if (!saleId) return;
    liveHub.publishLatest(order.showId, `sale:${saleId}`, () => {
      const sale = flashSales.get(saleId);
      if (!sale) return null;
      return {
        type: 'flash_sale',
        sale: { id: sale.id, productId: sale.productId, price: sale.price, quantity: sale.quantity, remaining: sale.remaining, endsAt: new Date(sale.endsAt).toISOString() },
      };
    });
  });
  const dispatcher = new WebhookDispatcher({ store: webhooks, logger: logger.child({ module: 'webhooks' }) });
  const catalog = new ShowCatalog(shows, events, live);
  return { shows, events, products, overlays, launcher, live, catalog, viewers, orders, stats, webhooks, dispatcher, hub: liveHub, lineup, loyalty, coupons, testPatterns: new TestPatterns({ ffmpegPath: config.ffmpeg.path, publishUrlFor: inputUrlFor }) };
}

/** The services the HTTP app is handed (main and the HTTP tests pass the same ones). */
export function servicesForHttp(services: ReturnType<typeof buildServices>) {
  const { catalog, products, overlays, viewers, orders, stats, webhooks, hub, lineup, live, coupons, testPatterns } = services;
  return { catalog, products, overlays, viewers, orders, stats, webhooks, hub, lineup, coupons, testPatterns, liveStats: () => live.stats() };
}

/** The composition root: the only place that knows every module. */
export async function startHawker(config: HawkerConfig, logger: Logger): Promise<RunningHawker> {
  const dataDir = resolve(config.dataDir);
  const hlsRoot = join(dataDir, 'media', 'hls');
  mkdirSync(hlsRoot, { recursive: true });
  const admin = resolveAdminToken(config.adminToken, dataDir);
  if (admin.generated) {
    // Printed once, on the start that made it, and never logged.
    process.stdout.write(
      `\n  Hawker admin token (kept in ${join(dataDir, 'admin-token')}):\n\n    ${admin.token}\n\n  Use it as: Authorization: Bearer <token>\n\n`,
    );
  }
  const hasFfmpeg = ffmpegWorks(config.ffmpeg.path);
  if (!hasFfmpeg) logger.error({ path: config.ffmpeg.path }, 'ffmpeg does not run: shows cannot be transcoded');

  const db = openDatabase(join(dataDir, 'hawker.db'));
  const publicUrl = config.publicUrl.replace(/\/+$/, '');
  let ingest: RtmpIngest | null = null;
  const services = buildServices({
    db,
    config,
    dataDir,
    publicUrl,
    logger,
    inputUrlFor: (streamKey) => {
      if (!ingest) throw new Error('RTMP ingest is not running');
      return ingest.localPlayUrl(streamKey);
    },
  });
  const { live } = services;

  const rtmp = new RtmpIngest({ host: config.rtmp.host, port: config.rtmp.port, app: config.rtmp.app, logger }, live);
  try {
    await rtmp.start();
  } catch (err) {
    await rtmp.stop().catch(() => undefined);
    db.close();
    throw err;
  }
  ingest = rtmp;
  live.recover();
  services.dispatcher.start();
  services.hub.start();

  const ingestUrl =
    (config.rtmp.publicUrl || `rtmp://${new URL(publicUrl).hostname}:${rtmp.port}`) + `/${config.rtmp.app}`;
  const app = await buildApp({
    logger,
    adminToken: admin.token,
    bodyLimitBytes: config.http.bodyLimitBytes,
    apiRateLimitPerMinute: config.http.apiRateLimitPerMinute,
    trustProxy: config.http.trustProxy,
    urls: { publicUrl, ingestUrl },
    ...servicesForHttp(services),
    imageUploadLimitBytes: config.http.imageUploadLimitBytes,
    viewerRateLimitPerMinute: config.http.viewerRateLimitPerMinute,
    maxConnectionsPerAddress: config.audience.maxConnectionsPerAddress,
    hlsRoot,
    version,
    readiness: [
      { name: 'database', check: () => db.prepare('SELECT 1 AS ok').get() !== undefined },
      { name: 'rtmp', check: () => rtmp.port > 0 },
      { name: 'ffmpeg', check: () => hasFfmpeg },
    ],
  });
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await rtmp.stop().catch(() => undefined);
    db.close();
    throw err;
  }
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ http: httpPort, rtmp: rtmp.port, dataDir, publicUrl }, 'Hawker is up');

  let closing: Promise<void> | null = null;
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpPort,
    rtmpPort: rtmp.port,
    adminToken: admin.token,
    dataDir,
    live,
    close: () => {
      closing ??= (async () => {
        logger.info('shutting down: ending live shows');
        services.testPatterns.stopAll();
        await live.shutdown();
        services.hub.stop();
        services.overlays.shutdown();
        await services.dispatcher.stop();
        await rtmp.stop();
        await app.close();
        db.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

async function runFromCommandLine(): Promise<void> {
  let config: HawkerConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.log);
  let hawker: RunningHawker;
  try {
    hawker = await startHawker(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'Hawker could not start');
    process.exitCode = 1;
    return;
  }
  const stop = (signal: string) => {
    logger.info({ signal }, 'signal received');
    // A second signal, or a shutdown that hangs, must still end the process.
    setTimeout(() => process.exit(1), 20_000).unref();
    hawker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void runFromCommandLine();
}
