import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HawkerError } from '../../domain/errors.js';
import type { LiveNowIndex } from '../../reach/live-now.js';
import { ErrorResponseSchema } from '../errors.js';
import { LiveNowQuery, LiveNowSchema, SKU_MAX_LENGTH, SKU_PATTERN } from '../schemas/embed.js';

const scriptPath = fileURLToPath(new URL('../../web/embed/live.js', import.meta.url));
const SKU = new RegExp(SKU_PATTERN);
/** the shop script may change with a release: browsers recheck it after this, CDNs too */
const SCRIPT_MAX_AGE_SECONDS = 300;

export interface EmbedRoutesOptions {
  liveNow: Pick<LiveNowIndex, 'json'>;
  maxSkus: number;
  maxAgeSeconds: number;
}

/**
 * The header size a query of `maxSkus` SKUs of the longest kind needs ("&sku=" and 64
 * characters each, all escaped at worst), plus room for the other headers. Node's default
 * (16 KiB) would refuse a listing page of 1,000 SKUs with 431 before any route saw it.
 */
export function liveNowHeaderBytes(maxSkus: number): number {
  return Math.max(16 * 1024, maxSkus * (5 + SKU_MAX_LENGTH) + 16 * 1024);
}

/**
 * The shop script as shops load it: without its comments and indentation (the file is written
 * to be read and type-checked; every shop page view downloads what is sent). Block comments
 * (JSDoc types included) and whole-line `//` comments only: the script holds no string with
 * either in it, which the route's test checks by running the result.
 */
export function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'))
    .join('\n');
}

/**
 * Whether every comma-separated part of one value is a SKU, in one pass over its characters
 * (a listing sends a thousand; a regex over the whole value would backtrack on a hostile one).
 * Agrees with SKU_PATTERN and SKU_MAX_LENGTH; empty parts fail (the slow path skips them).
 */
export function allSkus(value: string): boolean {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 /* , */) {
      if (length === 0) return false;
      length = 0;
      continue;
    }
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && (length === 0 || (c !== 46 /* . */ && c !== 95 /* _ */ && c !== 45) /* - */)) return false;
    if (++length > SKU_MAX_LENGTH) return false;
  }
  return length > 0;
}

/** `?sku=A&sku=B` and `?sku=A,B` (and both at once), in the order given. */
function skusOf(query: { sku?: string | string[] }, maxSkus: number): string[] {
  const raw = query.sku === undefined ? [] : Array.isArray(query.sku) ? query.sku : [query.sku];
  const skus: string[] = [];
  for (const value of raw) {
    const parts = value.split(',');
    if (skus.length + parts.length <= maxSkus && allSkus(value)) {
      for (const sku of parts) if (sku !== '') skus.push(sku);
      continue;
    }
    // too many, or one is not a SKU: find which, for the answer
    for (const sku of parts) {
      if (sku === '') continue; // a trailing comma, "sku=" of an empty tag
      if (skus.length === maxSkus) throw new HawkerError('TOO_MANY_SKUS', `at most ${maxSkus} SKUs in one call`);
      if (sku.length > SKU_MAX_LENGTH || !SKU.test(sku)) throw new HawkerError('INVALID_SKU', `not a SKU: ${JSON.stringify(sku.slice(0, SKU_MAX_LENGTH))}${sku.length > SKU_MAX_LENGTH ? ' (too long)' : ''}`);
      skus.push(sku);
    }
  }
  return skus;
}

/**
 * What a merchant's own shop loads: GET /api/live-now (which of these SKUs are in a live show)
 * and GET /embed/live.js (the script that asks it and draws the LIVE badge and mini player).
 * Both are public and open to every origin. /api/live-now is not under the per-address API rate
 * limit: behind a CDN every shopper arrives from a handful of edge addresses, and a shop's
 * listing and product pages (each its own URL) would exhaust one address's budget in seconds;
 * an answer costs a Map read per SKU, about what refusing it would.
 */
export const embedRoutes: FastifyPluginAsyncTypebox<EmbedRoutesOptions> = async (app, { liveNow, maxSkus, maxAgeSeconds }) => {
  const cacheControl = `public, max-age=${maxAgeSeconds}`;
  const script = Buffer.from(stripComments(readFileSync(scriptPath, 'utf8')));
  const scriptGzip = gzipSync(script, { level: 9 });
  const scriptEtag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 16)}"`;

  app.get(
    '/api/live-now',
    {
      schema: {
        tags: ['shop'],
        summary: `Which of these SKUs (product or variant) are in a live show's lineup now: ?sku=A&sku=B or ?sku=A,B, at most ${maxSkus}. Public, CORS *, cacheable for ${maxAgeSeconds} s`,
        querystring: LiveNowQuery,
        response: { 200: LiveNowSchema, 400: ErrorResponseSchema },
      },
      // errors of this route are read by other origins too
      onRequest: async (_request, reply) => {
        reply.header('access-control-allow-origin', '*');
      },
    },
    async (request, reply) => {
      const body = liveNow.json(skusOf(request.query, maxSkus));
      // the answer is joined from JSON kept with the index: nothing to serialise per request
      return reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', cacheControl).send(body);
    },
  );

  app.get('/embed/live.js', { schema: { tags: ['shop'], summary: "The shop script: <script src=\".../embed/live.js\" data-sku=\"SKU\" async>; marks the page's live SKUs and opens the mini player" } }, async (request, reply) => {
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', `public, max-age=${SCRIPT_MAX_AGE_SECONDS}`)
      .header('etag', scriptEtag)
      .header('vary', 'accept-encoding')
      .header('access-control-allow-origin', '*');
    if (request.headers['if-none-match'] === scriptEtag) return reply.status(304).send();
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(scriptGzip);
    return reply.send(script);
  });
};
