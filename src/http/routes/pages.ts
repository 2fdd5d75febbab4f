import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { HawkerError } from '../../domain/errors.js';
import { ErrorResponseSchema } from '../errors.js';
import type { ShowCatalog } from '../../live/show-catalog.js';
import { renderAdminPage } from '../../web/admin-page.js';
import { renderWatchPage } from '../../web/watch-page.js';
import { renderChannelPage } from '../../web/channel-page.js';
import type { LinkPreview } from '../../reach/link-previews.js';
import type { Show } from '../../domain/show.js';
import { ChannelPageQuery } from '../schemas/channel.js';
import type { AdminSessions } from '../admin-session.js';
import { ASSET_DIR_PATTERN, AdminSession, AssetParams, LoginBody, PageAssetParams, Version, WatchParams, WatchQuery } from '../schemas/pages.js';
import type { ShowUrls } from './shows.js';

const assetsDir = fileURLToPath(new URL('../../web/assets/', import.meta.url));
const hlsJsPath = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
const contentTypes: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

interface Asset {
  body: Buffer;
  type: string;
  version: string;
}

/** `import … from './x.js'` and `export … from '../y.js'`: the relative specifiers of a page module (not `import(…)`). */
const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*)(['"])(\.{1,2}\/[^'"?]+)\2/g;

const ASSET_NAME = /^[a-z0-9-]+\.(js|css)$/;
/** one folder deep: the modules of one page (the route's params take the same pattern) */
const ASSET_DIR = new RegExp(ASSET_DIR_PATTERN);

/** Asset files by path under assets/: `admin.js`, `admin/lineup.js` (one folder deep). */
function readAssetFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(assetsDir, { withFileTypes: true })) {
    if (entry.isFile() && ASSET_NAME.test(entry.name)) files.set(entry.name, readFileSync(assetsDir + entry.name));
    else if (entry.isDirectory() && ASSET_DIR.test(entry.name)) {
      for (const f of readdirSync(`${assetsDir}${entry.name}`)) if (ASSET_NAME.test(f)) files.set(`${entry.name}/${f}`, readFileSync(`${assetsDir}${entry.name}/${f}`));
    }
  }
  return files;
}

/**
 * The page assets, read once; URLs carry a content hash so browsers may cache them for good.
 * The pages' scripts are ES modules: each relative import is rewritten to carry the imported
 * file's hash (`./store.js?v=…`), and a module's own hash is taken after that rewrite, so a
 * change anywhere below a module changes its URL too (and every module is one instance: all
 * importers name it by the same URL). Import cycles are refused at start.
 */
function loadAssets(): Map<string, Asset> {
  const files = readAssetFiles();
  files.set('hls.min.js', readFileSync(hlsJsPath));
  const assets = new Map<string, Asset>();
  const visiting = new Set<string>();
  const load = (name: string, from: string): Asset => {
    const done = assets.get(name);
    if (done) return done;
    let body = files.get(name);
    if (!body) throw new Error(`page asset ${from} imports ${name}, which is not an asset`);
    if (visiting.has(name)) throw new Error(`page assets import each other in a cycle through ${name}`);
    visiting.add(name);
    if (name.endsWith('.js') && name !== 'hls.min.js') {
      const text = body.toString('utf8').replace(RELATIVE_IMPORT, (_m, keyword: string, quote: string, specifier: string) => {
        const dep = load(posix.normalize(posix.join(posix.dirname(name), specifier)), name);
        return `${keyword}${quote}${specifier}?v=${dep.version}${quote}`;
      });
      body = Buffer.from(text);
    }
    visiting.delete(name);
    const asset = { body, type: contentTypes[name.split('.').pop() as string] ?? 'application/octet-stream', version: createHash('sha256').update(body).digest('hex').slice(0, 12) };
    assets.set(name, asset);
    return asset;
  };
  for (const name of files.keys()) load(name, name);
  return assets;
}

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 429: ErrorResponseSchema };

const PAGE_CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'";
/**
 * The viewer page when the merchant takes cards with Stripe: Stripe.js from js.stripe.com, its
 * Payment Element's frames (js.stripe.com, 3-D Secure on hooks.stripe.com) and its API calls.
 * Only then: a shop without Stripe lets the page load nothing from anywhere else.
 */
const STRIPE_PAGE_CSP =
  "default-src 'self'; img-src 'self' data: https://*.stripe.com; media-src 'self' blob:; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; script-src 'self' https://js.stripe.com; frame-src https://js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com; base-uri 'none'; form-action 'self'";

export interface PageRoutesOptions {
  catalog: ShowCatalog;
  sessions: AdminSessions;
  isAdmin(authorization: string | undefined): boolean;
  urls: ShowUrls;
  /** Stripe is configured: the viewer page may load Stripe.js and its frames */
  stripeOnPage?: boolean;
  /** the pre-live page's "and N minutes before" reminder (reminders.defaultMinutesBefore) */
  reminderMinutes?: number;
  /** link previews (Open Graph, Twitter card) of a show page and of the channel page */
  previews?: { show(show: Show): LinkPreview; channel(): LinkPreview };
}

/** The control panel (/admin), the viewer page (/watch/:id, embeddable), their assets, and the panel's login. */
export const pageRoutes: FastifyPluginAsyncTypebox<PageRoutesOptions> = async (app, { catalog, sessions, isAdmin, urls, stripeOnPage = false, reminderMinutes, previews }) => {
  const assets = loadAssets();
  const assetUrl = (file: string) => `/assets/${file}?v=${assets.get(file)?.version ?? '0'}`;
  const secure = urls.publicUrl.startsWith('https:');

  const serveAsset = (name: string, version: unknown, reply: FastifyReply) => {
    const asset = assets.get(name);
    if (!asset) throw new HawkerError('NOT_FOUND', 'no such asset');
    return reply
      .header('content-type', asset.type)
      .header('cache-control', version === asset.version ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  };
  app.get('/assets/:file', { schema: { hide: true, params: AssetParams, querystring: Version } }, async (request, reply) =>
    serveAsset(request.params.file, request.query.v, reply),
  );
  // the modules of one page (assets/admin/*.js)
  app.get('/assets/:dir/:file', { schema: { hide: true, params: PageAssetParams, querystring: Version } }, async (request, reply) => {
    const { dir, file } = request.params;
    return serveAsset(`${dir}/${file}`, request.query.v, reply);
  });

  app.get(
    '/watch/:id',
    {
      schema: {
        tags: ['viewer'],
        summary: 'The viewer page (add ?embed=1 inside an iframe on a shop page; ?embed=mini&product=id is the shop script\'s mini player)',
        params: WatchParams,
        querystring: WatchQuery,
      },
    },
    async (request, reply) => {
      const show = catalog.get(request.params.id);
      // mini: the shop script's floating player (just the video and one product); framed like an embed
      const mini = request.query.embed === 'mini';
      const embed = request.query.embed === '1' || mini;
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('referrer-policy', 'strict-origin-when-cross-origin')
        // an embed is meant to sit in a merchant's own page; the full page is not framed
        .header('content-security-policy', `${stripeOnPage ? STRIPE_PAGE_CSP : PAGE_CSP}; frame-ancestors ${embed ? '*' : "'none'"}`);
      return renderWatchPage({
        showId: show.id,
        title: show.title,
        host: show.host,
        status: show.status,
        scheduledAt: show.scheduledAt,
        // same origin as the page, whatever name the viewer reached us by (the CSP allows only self)
        playbackUrl: `/hls/${show.id}/master.m3u8`,
        ...(urls.lowLatency && { livePlaybackUrl: `/hls/${show.id}/ll.m3u8` }),
        assetUrl,
        embed,
        mini,
        recordingDeleted: show.recordingDeletedAt != null,
        ...(reminderMinutes !== undefined ? { reminderMinutes } : {}),
        ...(previews ? { preview: previews.show(show) } : {}),
      });
    },
  );

  // the channel: every show of the merchant, live first (GET / and GET /shows are the same page)
  const channelPage = {
    schema: { tags: ['viewer'], summary: 'The channel page: live now, coming up, past shows (add ?embed=1 inside an iframe)', querystring: ChannelPageQuery },
  };
  const serveChannel = (embed: boolean, reply: FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .header('content-security-policy', `${PAGE_CSP}; frame-ancestors ${embed ? '*' : "'none'"}`)
      .send(
        renderChannelPage({
          assetUrl,
          embed,
          preview: previews?.channel() ?? { title: 'Live shopping', description: 'Live shopping: shows live now, coming up, and replays', url: `${urls.publicUrl}/`, imageUrl: null, type: 'website' },
        }),
      );
  app.get('/', channelPage, async (request, reply) => serveChannel(request.query.embed === '1', reply));
  app.get('/shows', channelPage, async (request, reply) => serveChannel(request.query.embed === '1', reply));

  app.get('/admin', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', `${PAGE_CSP}; frame-ancestors 'none'`)
      .send(renderAdminPage({ assetUrl, ingestUrl: urls.ingestUrl, publicUrl: urls.publicUrl, lowLatency: urls.lowLatency === true })),
  );

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    // guessing the token is limited like any API call
    scope.addHook('onRequest', scope.rateLimit());
    scope.post(
      '/admin/login',
      { schema: { tags: ['admin'], summary: 'Control-panel login: the admin token for a session cookie and a CSRF token', body: LoginBody, response: { 200: AdminSession, ...errors } } },
      async (request, reply) => {
        if (!isAdmin(`Bearer ${request.body.token}`)) throw new HawkerError('UNAUTHORIZED', 'that is not the admin token');
        const session = sessions.create();
        sessions.cookie(reply, session.id, session.maxAgeSeconds, secure);
        return { csrfToken: session.csrf };
      },
    );
    scope.get('/admin/session', { schema: { tags: ['admin'], summary: 'The CSRF token of the current control-panel session', response: { 200: AdminSession, ...errors } } }, async (request) => {
      const session = sessions.fromRequest(request);
      if (!session) throw new HawkerError('UNAUTHORIZED', 'not signed in');
      return { csrfToken: session.csrf };
    });
    scope.post('/admin/logout', { schema: { tags: ['admin'], summary: 'End the control-panel session', response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
      if (!sessions.allows(request)) throw new HawkerError('UNAUTHORIZED', 'not signed in');
      sessions.revoke(request);
      sessions.cookie(reply, '', 0, secure);
      return reply.status(204).send(null);
    });
  });
};
