import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADMIN_TOKEN_FILE, resolveAdminToken } from './config/admin-token.js';
import { ConfigError, loadConfig } from './config/load.js';
import type { HawkerConfig } from './config/schema.js';
import { secureDataDir } from './db/file-modes.js';
import { VAPID_KEYS_FILE } from './reach/vapid-keys.js';
import { openDatabase } from './db/open.js';
import { buildApp, LISTEN_BACKLOG } from './http/app.js';
import { RtmpIngest } from './ingest/rtmp-ingest.js';
import type { LiveShows } from './live/live-shows.js';
import { installLastResort } from './log/last-resort.js';
import { createLogger, type Logger } from './log/logger.js';
import { buildServices, servicesForHttp } from './services.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
/** how often unpaid orders past their hold are expired (holds are minutes long: a few seconds late is fine) */
const ORDER_SWEEP_MS = 5_000;

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

/** The composition root: the only place that knows every module. */
export async function startHawker(config: HawkerConfig, logger: Logger): Promise<RunningHawker> {
  const dataDir = resolve(config.dataDir);
  const hlsRoot = join(dataDir, 'media', 'hls');
  const { tightened, stillOpen } = secureDataDir(dataDir, ['hawker.db', 'hawker.db-wal', 'hawker.db-shm', ADMIN_TOKEN_FILE, VAPID_KEYS_FILE]);
  if (tightened.length) {
    logger.warn({ paths: tightened }, 'the data dir was open to other users (it holds stream keys and the admin token): now 0700, its secret files 0600');
  }
  if (stillOpen.length) {
    logger.warn({ paths: stillOpen }, 'the data dir is open to other users and not ours to change (another owner): make it 0700 and its secret files 0600');
  }
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
    publishUrlFor: (streamKey) => {
      if (!ingest) throw new Error('RTMP ingest is not running');
      return ingest.localPublishUrl(streamKey);
    },
    // End show: OBS still connected to an ended show is cut off (no ingest yet: no publisher either)
    disconnectPublisher: (sessionId) => void ingest?.disconnect(sessionId),
  });
  const { live } = services;

  const { handshakeTimeoutMs, idleTimeoutMs, maxConnections, maxConnectionsPerAddress, maxMessageBytes } = config.rtmp;
  const rtmp = new RtmpIngest(
    {
      host: config.rtmp.host,
      port: config.rtmp.port,
      app: config.rtmp.app,
      logger,
      limits: { handshakeTimeoutMs, idleTimeoutMs, maxConnections, maxConnectionsPerAddress, maxMessageBytes },
    },
    live,
  );
  try {
    await rtmp.start();
  } catch (err) {
    await rtmp.stop().catch(() => undefined);
    db.close();
    throw err;
  }
  ingest = rtmp;
  live.recover();
  // an ended show whose recording a stopped server never turned into VOD
  services.recordingVod.finishEnded();
  services.dispatcher.start();
  services.hub.start();
  // unpaid orders whose hold ran out give their stock back
  services.orders.startSweep(ORDER_SWEEP_MS);
  // ended shows' media past storage.keepRecordingsDays: now, then hourly
  services.retention.start();
  // show reminders: what came due while stopped goes out now, then "N minutes before" ones as they come due
  services.reminderScheduler.start();

  const ingestUrl =
    (config.rtmp.publicUrl || `rtmp://${new URL(publicUrl).hostname}:${rtmp.port}`) + `/${config.rtmp.app}`;
  const app = await buildApp({
    logger,
    adminToken: admin.token,
    metricsToken: config.http.metricsToken,
    bodyLimitBytes: config.http.bodyLimitBytes,
    apiRateLimitPerMinute: config.http.apiRateLimitPerMinute,
    trustProxy: config.http.trustProxy,
    urls: { publicUrl, ingestUrl, lowLatency: config.pipeline.lowLatency.enabled },
    ...servicesForHttp(services),
    imageUploadLimitBytes: config.http.imageUploadLimitBytes,
    viewerRateLimitPerMinute: config.http.viewerRateLimitPerMinute,
    maxConnectionsPerAddress: config.audience.maxConnectionsPerAddress,
    heartbeatSeconds: config.audience.heartbeatSeconds,
    hlsRoot,
    lowLatency: {
      master: (showId) => services.launcher.lowLatencyMaster(showId),
      heldRequests: () => services.launcher.lowLatencyHeldRequests(),
      media: (showId, rung, directives, gone) => services.launcher.lowLatencyMedia(showId, rung, directives, gone),
    },
    version,
    stripeOnPage: config.payments.providers.includes('stripe'),
    embed: config.embed,
    readiness: [
      { name: 'database', check: () => db.prepare('SELECT 1 AS ok').get() !== undefined },
      { name: 'rtmp', check: () => rtmp.port > 0 },
      { name: 'ffmpeg', check: () => hasFfmpeg },
      // free space in the data dir, and whether the last write got through
      { name: 'storage', check: () => services.storage.ready() },
    ],
  });
  try {
    await app.listen({ host: config.http.host, port: config.http.port, backlog: LISTEN_BACKLOG });
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
        // no new clip is cut; the one being cut ends when the pool stops its FFmpeg
        const clipsStopped = services.clipMaker.close();
        const postersStopped = services.livePosters.close();
        await live.shutdown();
        await services.launcher.close();
        // every child process (test patterns, a transcoder a show left behind) has exited
        await services.processes.closeAll();
        await clipsStopped;
        await postersStopped;
        services.hub.stop();
        services.orders.stopSweep();
        await services.retention.stop();
        await services.reminderScheduler.stop();
        services.pushSender.close();
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
  // Whatever escapes every handler ends the process with its stack logged; the container
  // restarts it and live shows wait for their hosts (LiveShows.recover).
  installLastResort(logger);
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
