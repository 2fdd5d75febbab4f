import { createHash, randomBytes } from 'node:crypto';
import { HawkerError } from '../domain/errors.js';
import type { Viewer } from '../domain/order.js';
import type { ViewerRepository } from '../domain/ports.js';
import { requireText } from '../domain/text.js';

const VIEWER_TOKEN = /^v_[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Viewers need no account: a name to chat and buy, and a token that is only ever stored hashed. */
export class Viewers {
  /**
   * token -> viewer, for tokens that named one: every viewer request presents its token, and the
   * hash and the read outside any transaction cost an order more than its own statements do. A
   * viewer row never changes and a token never moves to another viewer, so nothing goes stale;
   * forged tokens are not kept, so they cannot fill it.
   */
  private readonly known = new Map<string, Viewer>();

  constructor(
    private readonly repo: ViewerRepository,
    private readonly now: () => number = Date.now,
    private readonly maxKnown = 50_000,
  ) {}

  register(displayName: string): { viewer: Viewer; token: string } {
    const viewer: Viewer = { id: randomBytes(9).toString('base64url'), displayName: requireText('displayName', displayName), createdAt: this.now() };
    const token = `v_${randomBytes(32).toString('base64url')}`;
    this.repo.create(viewer, hashToken(token));
    return { viewer, token };
  }

  /** The viewer a bearer token belongs to; forged, truncated or missing tokens get 401. */
  authenticate(authorization: string | undefined): Viewer {
    const viewer = this.fromAuthorization(authorization);
    if (!viewer) throw new HawkerError('INVALID_VIEWER_TOKEN');
    return viewer;
  }

  /** The viewer of an Authorization header, if it carries one of our tokens. */
  fromAuthorization(authorization: string | undefined): Viewer | undefined {
    const match = /^Bearer\s+(\S+)\s*$/.exec(authorization ?? '');
    return match ? this.byToken(match[1] as string) : undefined;
  }

  /** The viewer a bare token belongs to, if it is one of ours. */
  byToken(token: string): Viewer | undefined {
    const hit = this.known.get(token);
    if (hit) return hit;
    if (!VIEWER_TOKEN.test(token)) return undefined;
    const viewer = this.repo.findByTokenHash(hashToken(token));
    if (viewer) {
      if (this.known.size >= this.maxKnown) this.known.clear();
      // shared by every request of this viewer: nobody may change it under the others
      this.known.set(token, Object.freeze(viewer));
    }
    return viewer;
  }
}
