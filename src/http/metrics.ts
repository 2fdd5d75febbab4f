import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveStats } from '../live/live-shows.js';

/** One registry per app (never the global one): two servers in one process stay apart. */
export interface AudienceStats {
  connections: number;
  counters: { messagesIn: number; messagesOut: number; droppedSlow: number; refused: number; chatUnstored: number };
  /** chat lines shown but not yet stored (storage trouble when it stays above zero) */
  chatBacklog: number;
}

export function installMetrics(app: FastifyInstance, liveStats: () => LiveStats, audience: () => AudienceStats, heldPlaylistRequests: () => number = () => 0): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hawker_' });

  new Gauge({
    name: 'hawker_live_connections',
    help: 'WebSocket viewers connected now, all shows',
    registers: [registry],
    collect() {
      this.set(audience().connections);
    },
  });
  for (const [name, key, help] of [
    ['hawker_live_frames_in_total', 'messagesIn', 'Frames viewers sent on live sockets'],
    ['hawker_live_messages_out_total', 'messagesOut', 'Messages broadcast to shows (each once, whatever the audience)'],
    ['hawker_live_dropped_slow_total', 'droppedSlow', 'Viewers dropped for falling too far behind (close 4008)'],
    ['hawker_live_refused_total', 'refused', 'Viewer messages answered with an error'],
    ['hawker_chat_unstored_total', 'chatUnstored', 'Chat lines shown live but never stored (the backlog held while storage failed was full)'],
  ] as const) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(audience().counters[key]);
      },
    });
  }

  new Gauge({
    name: 'hawker_chat_backlog',
    help: 'Chat lines held in memory because the database could not store them yet',
    registers: [registry],
    collect() {
      this.set(audience().chatBacklog);
    },
  });

  new Gauge({
    name: 'hawker_llhls_held_requests',
    help: 'LL-HLS blocking playlist reloads held now, waiting for their part (all shows)',
    registers: [registry],
    collect() {
      this.set(heldPlaylistRequests());
    },
  });
  new Gauge({
    name: 'hawker_live_shows',
    help: 'Shows that are live now (publishing or waiting for their host to reconnect)',
    registers: [registry],
    collect() {
      this.set(liveStats().liveShows);
    },
  });
  new Gauge({
    name: 'hawker_pipelines_running',
    help: 'FFmpeg transcodes running now',
    registers: [registry],
    collect() {
      this.set(liveStats().runningPipelines);
    },
  });
  // The live module keeps the running total; the counter mirrors it at each scrape.
  new Counter({
    name: 'hawker_ffmpeg_restarts_total',
    help: 'FFmpeg processes restarted after dying while their show was live',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(liveStats().pipelineRestartsTotal);
    },
  });
  new Gauge({
    name: 'hawker_encode_speed_ratio',
    help: 'Encode speed of each live transcode relative to real time (1 keeps up); absent while it is not making progress',
    labelNames: ['show'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of liveStats().encodeSpeed) this.set({ show: s.showId }, s.speed);
    },
  });
  new Gauge({
    name: 'hawker_encode_fps',
    help: 'Frames per second each live transcode produces; absent while it is not making progress',
    labelNames: ['show'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of liveStats().encodeSpeed) this.set({ show: s.showId }, s.fps);
    },
  });
  new Gauge({
    name: 'hawker_pipeline_progressing',
    help: 'Per live transcode: 1 while it makes progress, 0 while it starts, stalls or restarts',
    labelNames: ['show'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of liveStats().pipelines) this.set({ show: p.showId }, p.health === 'running' ? 1 : 0);
    },
  });
  const latency = new Histogram({
    name: 'hawker_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  return registry;
}
