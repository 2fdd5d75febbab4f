import type { AddressInfo } from 'node:net';
import NodeMediaServer, { type NmsSession } from 'node-media-server';
import nmsLogger from 'node-media-server/src/core/logger.js';
import { redactSecrets, type Logger } from '../log/logger.js';

export interface PublishRequest {
  sessionId: string;
  app: string;
  streamKey: string;
  remoteAddress: string;
}

export type PublishDecision = { accept: true } | { accept: false; reason: string };

/** What the ingest needs from whoever owns shows; the ingest itself knows nothing of them. */
export interface IngestHandlers {
  /** synchronous: node-media-server has already acknowledged the publish when it asks */
  authorizePublish(request: PublishRequest): PublishDecision;
  publishStarted(request: PublishRequest): void;
  /** the publisher's socket closed: prompt, unlike node-media-server's donePublish (30 s grace) */
  publishEnded(request: PublishRequest): void;
}

export interface RtmpIngestOptions {
  host: string;
  port: number;
  app: string;
  logger: Logger;
}

function isLoopback(ip: string): boolean {
  const address = ip.replace(/:\d+$/, '');
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || address.startsWith('127.');
}

let instances = 0;

/**
 * The only module that imports node-media-server. It keeps module-level state (one server per
 * process), accepts RTMP publishes on rtmp://host:port/<app>/<streamKey> after asking the
 * handlers, and lets only local readers (our FFmpeg) play a stream.
 */
export class RtmpIngest {
  private readonly nms: NodeMediaServer;
  private readonly accepted = new Map<string, PublishRequest>();
  private readonly log: Logger;
  private boundPort = 0;

  constructor(
    private readonly options: RtmpIngestOptions,
    private readonly handlers: IngestHandlers,
  ) {
    if (instances > 0) throw new Error('node-media-server keeps module-level state: one RtmpIngest per process');
    instances += 1;
    this.log = options.logger.child({ module: 'ingest' });
    const nmsLog = this.log.child({ lib: 'node-media-server' });
    // Its own logger prints stream paths, which hold stream keys: route it through ours.
    nmsLogger.log = (message: string, level = 'info') => {
      const text = redactSecrets(String(message));
      if (level === 'error') nmsLog.warn(text);
      else nmsLog.debug(text);
    };
    // Only the RTMP listener is used: no HTTP-FLV, no recorder, no store, no notify.
    // The port given here only makes it create its listener (0 would not); start() listens.
    this.nms = new NodeMediaServer({ bind: options.host, rtmp: { port: options.port || 1935 } });
    this.nms.on('prePublish', this.onPrePublish);
    this.nms.on('postPublish', this.onPostPublish);
    this.nms.on('prePlay', this.onPrePlay);
  }

  get port(): number {
    return this.boundPort;
  }

  /** Where our FFmpeg reads a stream from; holds the key, so never log it. */
  localPlayUrl(streamKey: string): string {
    const host = this.options.host.includes(':') ? '[::1]' : '127.0.0.1';
    return `rtmp://${host}:${this.boundPort}/${this.options.app}/${streamKey}`;
  }

  start(): Promise<void> {
    const server = this.nms.rtmpServer.tcpServer;
    if (!server) return Promise.reject(new Error('node-media-server created no RTMP listener'));
    // Listening ourselves keeps node-media-server from calling process.exit on EADDRINUSE.
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`RTMP listener on ${this.options.host}:${this.options.port}: ${err.message}`));
      server.once('error', onError);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.error({ err }, 'RTMP listener error'));
        this.boundPort = (server.address() as AddressInfo).port;
        this.log.info({ host: this.options.host, port: this.boundPort }, 'RTMP ingest listening');
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    await this.nms.stop();
    this.accepted.clear();
    instances -= 1;
  }

  private requestOf(session: NmsSession): PublishRequest {
    return {
      sessionId: session.id,
      app: session.streamApp,
      streamKey: session.streamName,
      remoteAddress: session.ip.replace(/:\d+$/, ''),
    };
  }

  private readonly onPrePublish = (session: NmsSession): void => {
    const request = this.requestOf(session);
    const decision: PublishDecision =
      request.app !== this.options.app
        ? { accept: false, reason: 'unknown application' }
        : this.handlers.authorizePublish(request);
    if (!decision.accept) {
      this.log.warn({ session: session.id, remote: request.remoteAddress, reason: decision.reason }, 'publish refused');
      session.close();
      return;
    }
    this.accepted.set(session.id, request);
  };

  private readonly onPostPublish = (session: NmsSession): void => {
    // node-media-server still fires postPublish for a session refused in prePublish.
    const request = this.accepted.get(session.id);
    if (!request) return;
    const socket = session.socket;
    socket?.once('close', () => {
      if (this.accepted.delete(session.id)) this.handlers.publishEnded(request);
    });
    this.log.info({ session: session.id, remote: request.remoteAddress }, 'publish started');
    this.handlers.publishStarted(request);
  };

  private readonly onPrePlay = (session: NmsSession): void => {
    if (!isLoopback(session.ip)) {
      this.log.warn({ session: session.id, remote: session.ip }, 'play refused: only local readers may play');
      session.close();
    }
  };
}
