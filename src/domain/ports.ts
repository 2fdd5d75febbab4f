import type { Show, ShowEvent, ShowEventType } from './show.js';

/** Storage of shows, implemented by src/db; consumers never see SQL. */
export interface ShowRepository {
  create(show: Show): void;
  get(id: string): Show | undefined;
  list(): Show[];
  listByStatus(status: Show['status']): Show[];
  findByStreamKey(streamKey: string): Show | undefined;
  setStreamKey(id: string, streamKey: string): void;
  markLive(id: string, startedAt: number): void;
  markEnded(id: string, endedAt: number): void;
  delete(id: string): boolean;
}

export interface ShowEventRepository {
  append(event: Omit<ShowEvent, 'id'>): ShowEvent;
  listForShow(showId: string, limit: number): ShowEvent[];
}
