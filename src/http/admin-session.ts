import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'hawker_session';
const SESSION_TTL_MS = 12 * 3600_000;

const digest = (v: string) => createHash('sha256').update(v).digest();

/**
 * Control-panel sessions: the merchant logs in once with the admin token and the browser then
 * holds an HttpOnly, SameSite=Strict cookie. Changes also need the session's CSRF token in an
 * X-CSRF-Token header (a cross-site form can send the cookie, never the header). Kept in
 * memory: a restart asks for the token again.
 */
export class AdminSessions {
  private readonly sessions = new Map<string, { csrf: string; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  create(): { id: string; csrf: string; maxAgeSeconds: number } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    this.sessions.set(id, { csrf, expires: this.now() + SESSION_TTL_MS });
    return { id, csrf, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** The session a request's cookie names, if it is alive. */
  fromRequest(request: FastifyRequest): { id: string; csrf: string } | null {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session || session.expires <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return { id, csrf: session.csrf };
  }

  /** Reads need the cookie; changes need the cookie and the CSRF header. */
  allows(request: FastifyRequest): boolean {
    const session = this.fromRequest(request);
    if (!session) return false;
    if (request.method === 'GET' || request.method === 'HEAD') return true;
    const header = request.headers['x-csrf-token'];
    return typeof header === 'string' && timingSafeEqual(digest(header), digest(session.csrf));
  }

  revoke(request: FastifyRequest): void {
    const session = this.fromRequest(request);
    if (session) this.sessions.delete(session.id);
  }

  cookie(reply: FastifyReply, value: string, maxAgeSeconds: number, secure: boolean): void {
    reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expires <= now) this.sessions.delete(id);
  }
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
