import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { LiveStats } from '../live/live-shows.js';
import type { ShowCatalog } from '../live/show-catalog.js';
import type { ShowOverlays } from '../live/show-overlays.js';
import type { ProductCatalog } from '../commerce/product-catalog.js';
import { HawkerError } from '../domain/errors.js';
import type { Logger } from '../log/logger.js';
import { adminCheck, adminGuard } from './auth.js';
import type { ShowLineup } from '../commerce/show-lineup.js';
import type { LiveHub } from '../realtime/live-hub.js';
import { redactSecrets } from '../log/logger.js';
import { lineupRoutes } from './routes/lineup.js';
import { couponRoutes } from './routes/coupons.js';
import type { Coupons } from '../commerce/coupons.js';
import { liveRoutes, liveWebSocketOptions, type LiveAudience } from './routes/live.js';
import { frameworkErrorHandler, installErrorHandling } from './errors.js';
import { installMetrics } from './metrics.js';
import { installSecurityHeaders } from './security-headers.js';
import { adminScope } from './routes/admin-scope.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { overlayRoutes } from './routes/overlays.js';
import { productRoutes } from './routes/products.js';
import { commerceRoutes } from './routes/commerce.js';
import { webhookRoutes, type WebhookTargets } from './routes/webhooks.js';
import { paymentRoutes, type PaymentRoutesOptions } from './routes/payments.js';
import type { Orders } from '../commerce/orders.js';
import type { ShowStatsReport } from '../commerce/show-stats.js';
import type { Viewers } from '../commerce/viewers.js';
import type { WebhookStore } from '../domain/ports.js';
import { hlsRoutes, type HlsRoutesOptions } from './routes/hls.js';
import { clipRoutes, type ClipListing } from './routes/clips.js';
import { showRoutes, type ShowUrls } from './routes/shows.js';
import { pageRoutes } from './routes/pages.js';
import { testPatternRoutes } from './routes/test-pattern.js';
import { chapterRoutes, type ChapterRoutesOptions } from './routes/chapters.js';
import { storageRoutes, type StorageRoutesOptions } from './routes/storage.js';
import { AdminSessions } from './admin-session.js';
import type { TestPatterns } from '../pipeline/test-pattern.js';
import { reportRoutes, type ReportRoutesOptions } from './routes/report.js';
import { preshowRoutes, type PreshowRoutesOptions } from './routes/preshow.js';
import { reminderRoutes, type ReminderRoutesOptions } from './routes/reminders.js';
import { referralRoutes, type ReferralRoutesOptions } from './routes/referrals.js';

/**
 * Connections the kernel may queue before the server accepts them. A flash sale's buyers arrive
 * within the same second, while the event loop may be busy for a few milliseconds; Node's default
 * (511) overflowed here under 1,000 simultaneous buyers, and an overflowing queue ends in resets
 * the buyers see as failed requests. Linux caps it at net.core.somaxconn (4096 on Debian 12).
 */
export const LISTEN_BACKLOG = 4096;
import { channelRoutes, type ChannelRoutesOptions } from './routes/channel.js';
import type { PageRoutesOptions } from './routes/pages.js';
import { embedRoutes, liveNowHeaderBytes, type EmbedRoutesOptions } from './routes/embed.js';

export interface AppDeps {
  logger: Logger;
  adminToken: string;
  /** a token that reads /metrics only; empty: the admin token only */
  metricsToken: string;
  bodyLimitBytes: number;
  apiRateLimitPerMinute: number;
  trustProxy: boolean;
  urls: ShowUrls;
  catalog: ShowCatalog;
  products: ProductCatalog;
  overlays: ShowOverlays;
  imageUploadLimitBytes: number;
  viewerRateLimitPerMinute: number;
  viewers: Viewers;
  orders: Orders;
  stats: ShowStatsReport;
  /** paying orders: the checkout terms, the viewer's payment step, one-tap payments */
  payments: PaymentRoutesOptions['payments'];
  /** Stripe's webhook; null when Stripe is not among the providers */
  stripeWebhooks: PaymentRoutesOptions['stripeWebhooks'];
  webhooks: WebhookStore;
  webhookTargets: WebhookTargets;
  liveStats: () => LiveStats;
  hub: LiveHub;
  /** the audience features the host's chat, moderation, poll and question routes call */
  liveAudience: LiveAudience;
  coupons: Coupons;
  testPatterns: TestPatterns;
  lineup: ShowLineup;
  /** the replay's chapters */
  chapters: ChapterRoutesOptions['chapters'];
  /** the post-show report and the product aliases it matches chat with */
  report: ReportRoutesOptions['report'];
  aliases: ReportRoutesOptions['aliases'];
  /** before the show: fans' suggestions and votes, the merchant's pre-show view */
  suggestions: PreshowRoutesOptions['suggestions'];
  /** demo clips of shows and products */
  clips: ClipListing;
  maxConnectionsPerAddress: number;
  heartbeatSeconds: number;
  hlsRoot: string;
  /** the live shows' LL-HLS playlists (absent: plain HLS only) */
  lowLatency?: HlsRoutesOptions['lowLatency'];
  /** ended shows' media: disk use, delete (the HLS route then serves nothing of it) */
  recordings: StorageRoutesOptions['recordings'] & { isDeleted(showId: string): boolean };
  readiness: ReadinessCheck[];
  version: string;
  /** share links: viewers' codes, the page's joins, the figures per code */
  referrals: ReferralRoutesOptions['referrals'];
  /** Stripe is configured: the viewer page's CSP lets Stripe.js in */
  stripeOnPage?: boolean;
  /** show reminders (Web Push) and calendar files */
  reminders: ReminderRoutesOptions['reminders'];
  /** the channel feed and the shows' posters (channel.posterSeconds: how long a live one is cached) */
  channel: ChannelRoutesOptions['channel'];
  posters: ChannelRoutesOptions['posters'];
  posterSeconds: number;
  /** link previews (Open Graph, Twitter card) of the show pages and the channel page */
  previews: NonNullable<PageRoutesOptions['previews']>;
  /** the shop script's live-now index (SKU -> live show) */
  liveNow: EmbedRoutesOptions['liveNow'];
  /** config embed: live-now's cache lifetime and its most SKUs per call */
  embed: { liveNowMaxAgeSeconds: number; maxSkus: number };
}

/** the most of a URL a request's log line keeps: a shop's live-now call carries up to ~85 KB of SKUs */
const LOGGED_URL_MAX = 512;
const logUrl = (url: string) => {
  const redacted = redactSecrets(url);
  return redacted.length > LOGGED_URL_MAX ? `${redacted.slice(0, LOGGED_URL_MAX)}…(+${redacted.length - LOGGED_URL_MAX} characters)` : redacted;
};

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Every request as one line when its answer goes out: method, URL (secrets redacted by the req
 * serializer), status and time. Fastify's default writes two a request (received, completed),
 * which under a burst of orders cost as much as the order's own statements.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** The whole HTTP surface as one Fastify instance; main.ts listens, tests inject. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger carries more type parameters than Fastify's base logger; it is one.
    loggerInstance: deps.logger.child(
      { module: 'http' },
      {
        // viewer tokens may ride in the live socket's query string (browsers cannot set headers there)
        serializers: {
          req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: logUrl(req.url), remoteAddress: req.ip }),
        },
      },
    ) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    // a shop's listing page asks GET /api/live-now about all of its SKUs in one query string
    http: { maxHeaderSize: liveNowHeaderBytes(deps.embed.maxSkus) },
    trustProxy: deps.trustProxy,
    logController: new OneLinePerRequest(),
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox's own checker: bodies are taken as sent (no coercion of 42 into "42", unknown
  // fields refused rather than dropped); path and query strings are converted to their types.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  installErrorHandling(app);
  installSecurityHeaders(app);
  if (!deps.trustProxy) {
    // Behind a reverse proxy with trustProxy off, every client has the proxy's address: one
    // rate-limit counter and one connection cap for the whole audience. Say so once.
    let warned = false;
    app.addHook('onRequest', async (request) => {
      if (warned || request.headers['x-forwarded-for'] === undefined) return;
      warned = true;
      request.log.warn('requests carry X-Forwarded-For but http.trustProxy is off: every client behind that proxy shares one address for rate limits and connection caps; set http.trustProxy (see README)');
    });
  }
  const metrics = installMetrics(app, deps.liveStats, () => deps.hub, () => deps.lowLatency?.heldRequests() ?? 0);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Hawker API', version: deps.version, description: 'Self-hosted live-shopping stream server' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'the admin token' },
          viewer: { type: 'http', scheme: 'bearer', description: 'a viewer token from POST /api/viewers' },
        },
      },
    },
  });
  // the validator badge would load an image from validator.swagger.io, which the CSP does not allow
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });

  // One limiter for the whole API (per client address); each admin plugin hooks it in.
  await app.register(rateLimit, {
    global: false,
    max: deps.apiRateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new HawkerError('RATE_LIMITED', `too many requests: at most ${context.max} a minute; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(websocket, { options: liveWebSocketOptions });
  const sessions = new AdminSessions();
  const isAdmin = adminCheck(deps.adminToken);
  const admin = adminScope(adminGuard(deps.adminToken, sessions));
  const isMetricsScraper = deps.metricsToken ? adminCheck(deps.metricsToken) : () => false;
  await app.register(healthRoutes, { readiness: deps.readiness, metrics, mayScrape: (authorization) => isAdmin(authorization) || isMetricsScraper(authorization), pipelines: () => deps.liveStats().pipelines });
  await app.register(showRoutes, { catalog: deps.catalog, urls: deps.urls, admin });
  await app.register(productRoutes, { catalog: deps.products, admin, imageLimitBytes: deps.imageUploadLimitBytes });
  await app.register(overlayRoutes, { overlays: deps.overlays, admin });
  await app.register(commerceRoutes, { viewers: deps.viewers, orders: deps.orders, stats: deps.stats, admin, viewerRateLimitPerMinute: deps.viewerRateLimitPerMinute });
  await app.register(paymentRoutes, {
    payments: deps.payments,
    stripeWebhooks: deps.stripeWebhooks,
    viewers: deps.viewers,
    viewerRateLimitPerMinute: deps.viewerRateLimitPerMinute,
    apiRateLimitPerMinute: deps.apiRateLimitPerMinute,
  });
  await app.register(lineupRoutes, { lineup: deps.lineup, catalog: deps.products, admin });
  await app.register(chapterRoutes, { chapters: deps.chapters });
  await app.register(liveRoutes, {
    hub: deps.hub,
    audience: deps.liveAudience,
    admin,
    isAdmin,
    // the control panel's socket: its session cookie, from a page of this very server
    isHostSession: (request) => sessions.fromRequest(request) !== null && sameOrigin(request.headers.origin, request.headers.host),
    maxConnectionsPerAddress: deps.maxConnectionsPerAddress,
    heartbeatSeconds: deps.heartbeatSeconds,
  });
  await app.register(testPatternRoutes, { catalog: deps.catalog, patterns: deps.testPatterns, admin });
  await app.register(couponRoutes, { coupons: deps.coupons, viewers: deps.viewers, admin });
  await app.register(preshowRoutes, { suggestions: deps.suggestions, viewers: deps.viewers, admin, viewerRateLimitPerMinute: deps.viewerRateLimitPerMinute });
  await app.register(reportRoutes, { report: deps.report, aliases: deps.aliases, admin });
  await app.register(referralRoutes, { referrals: deps.referrals, viewers: deps.viewers, admin, viewerRateLimitPerMinute: deps.viewerRateLimitPerMinute, publicUrl: deps.urls.publicUrl });
  await app.register(webhookRoutes, { store: deps.webhooks, targets: deps.webhookTargets, admin });
  await app.register(storageRoutes, { recordings: deps.recordings, admin });
  await app.register(hlsRoutes, {
    hlsRoot: deps.hlsRoot,
    ...(deps.lowLatency && { lowLatency: deps.lowLatency }),
    isPublic: (showId) => deps.catalog.mediaIsPublic(showId),
    recordingDeleted: (showId) => deps.recordings.isDeleted(showId),
    isAdmin: (request) => isAdmin(request.headers.authorization) || sessions.fromRequest(request) !== null,
  });
  await app.register(clipRoutes, { clips: deps.clips, isAdmin: (request) => isAdmin(request.headers.authorization) || sessions.fromRequest(request) !== null });
  await app.register(reminderRoutes, { reminders: deps.reminders, viewerRateLimitPerMinute: deps.viewerRateLimitPerMinute });
  await app.register(channelRoutes, { channel: deps.channel, posters: deps.posters, shows: deps.catalog, posterSeconds: deps.posterSeconds });
  await app.register(pageRoutes, { catalog: deps.catalog, sessions, isAdmin, urls: deps.urls, stripeOnPage: deps.stripeOnPage ?? false, reminderMinutes: deps.reminders.defaultMinutesBefore(), previews: deps.previews });
  await app.register(embedRoutes, { liveNow: deps.liveNow, maxSkus: deps.embed.maxSkus, maxAgeSeconds: deps.embed.liveNowMaxAgeSeconds });
  return app;
}
