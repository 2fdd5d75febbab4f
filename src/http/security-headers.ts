import type { FastifyInstance } from 'fastify';

/**
 * JSON, media and errors are never a document to render: a browser that opens one directly
 * (or is tricked into it) runs nothing, loads nothing, and may not frame it.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The OpenAPI UI: its scripts are files of this server (no inline script), but swagger-ui's
 * React components set inline styles and draw icons as data: images.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');

/**
 * nosniff on every response; a CSP on every response that has none of its own (the pages set
 * theirs, with frame-ancestors opened only for the viewer page's embed).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', isDocs(request.url) ? DOCS_CSP : API_CSP);
    return payload;
  });
}
