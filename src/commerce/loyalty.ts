import type { HostActivity } from '../domain/audience.js';
import type { EventSource } from '../domain/events.js';
import type { HostActivityRepository } from '../domain/ports.js';

export interface LoyaltyLevel {
  level: number;
  badge: string;
  /** points needed to reach it */
  points: number;
}

/** Levels a viewer earns with one host; a coupon can ask for one. */
export const loyaltyLevels: readonly LoyaltyLevel[] = [
  { level: 0, badge: 'new', points: 0 },
  { level: 1, badge: 'regular', points: 10 },
  { level: 2, badge: 'fan', points: 50 },
  { level: 3, badge: 'superfan', points: 150 },
  { level: 4, badge: 'vip', points: 400 },
];

/** A minute watched is a point, a chat message two, a purchase twenty. */
export function loyaltyPoints(activity: HostActivity): number {
  return Math.floor(activity.watchMs / 60_000) + 2 * activity.comments + 20 * activity.purchases;
}

export function levelFor(points: number): LoyaltyLevel {
  let reached = loyaltyLevels[0] as LoyaltyLevel;
  for (const l of loyaltyLevels) if (points >= l.points) reached = l;
  return reached;
}

export interface ViewerLoyalty extends LoyaltyLevel {
  earned: number;
  activity: HostActivity;
}

/**
 * Each viewer's level per host, from watch time, comments and purchases on the timeline. Cached
 * for a minute: chat asks for it on every message and it moves slowly.
 */
export class Loyalty {
  /** viewer -> host -> level: forgetting a viewer is one delete */
  private readonly cache = new Map<string, Map<string, { value: ViewerLoyalty; until: number }>>();

  constructor(
    private readonly audience: HostActivityRepository,
    private readonly cacheMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  of(viewerId: string, host: string): ViewerLoyalty {
    const hit = this.cache.get(viewerId)?.get(host);
    const now = this.now();
    if (hit && hit.until > now) return hit.value;
    const activity = this.audience.hostActivity(viewerId, host);
    const earned = loyaltyPoints(activity);
    const value = { ...levelFor(earned), earned, activity };
    if (this.cache.size > 50_000) this.cache.clear();
    let hosts = this.cache.get(viewerId);
    if (!hosts) this.cache.set(viewerId, (hosts = new Map()));
    hosts.set(host, { value, until: now + this.cacheMs });
    return value;
  }

  /** after a purchase (worth a level on its own): the next look counts it */
  forget(viewerId: string): void {
    this.cache.delete(viewerId);
  }

  /** forget each buyer when their order is placed */
  subscribe(bus: EventSource): void {
    bus.on('order.placed', ({ order }) => this.forget(order.viewerId));
  }
}
