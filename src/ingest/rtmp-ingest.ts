import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import NodeMediaServer, { type NmsSession } from 'node-media-server';
import nmsLogger from 'node-media-server/src/core/logger.js';
import RtmpSession from 'node-media-server/src/session/rtmp_session.js';
import { redactSecrets, type Logger } from '../log/logger.js';
import { ConnectionLimits } from './connection-limits.js';
import { RtmpGuard, RtmpRefused, RtmpViolation, type GuardPolicy, type PublishVerdict } from './rtmp-guard.js';

export interface PublishRequest {
  sessionId: string;
  app: string;
  streamKey: string;
  remoteAddress: string;
}

export type PublishDecision = { accept: true } | { accept: false; reason: string };

/** What the ingest needs from whoever owns shows; the ingest itself knows nothing of them. */
export interface IngestHandlers {
  /** synchronous: asked when the publish command arrives, before node-media-server sees it */
  authorizePublish(request: PublishRequest): PublishDecision;
  publishStarted(request: PublishRequest): void;
  /** the publisher's socket closed: prompt, unlike node-media-server's donePublish (30 s grace) */
  publishEnded(request: PublishRequest): void;
}

export interface RtmpLimits {
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxMessageBytes: number;
}

export interface RtmpIngestOptions {
  host: string;
  port: number;
  app: string;
  logger: Logger;
  limits: RtmpLimits;
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** What node-media-server accepts in a path, and what our keys and tokens are made of. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,256}$/;
/** A test-pattern publish token is used within seconds of being made. */
const PUBLISH_TOKEN_TTL_MS = 60_000;

const token = (prefix: string) => prefix + randomBytes(24).toString('base64url');

interface Publishing {
  request: PublishRequest;
  /** the path node-media-server and our FFmpeg know the stream by: never the stream key */
  internalName: string;
}

let instances = 0;

/**
 * The only module that imports node-media-server. Hawker owns the TCP listener: each connection
 * gets caps and timeouts (connection-limits.ts) and an RtmpGuard (rtmp-guard.ts) that frames
 * and checks every byte before node-media-server's parser sees any; an exception anywhere in
 * one session's parsing destroys that socket, never the process.
 *
 * Publish keys stop at the guard: an accepted publish reaches node-media-server under a fresh
 * unguessable internal name, which is also the only name a local reader may play (so FFmpeg's
 * command line, readable in /proc, carries no key). A refused publisher is destroyed at once
 * and never reached node-media-server's broadcast, so none of its packets reach a player.
 */
export class RtmpIngest {
  private readonly nms: NodeMediaServer;
  private readonly server: Server;
  private readonly log: Logger;
  private readonly limits: ConnectionLimits;
  private readonly sockets = new Set<Socket>();
  /** by node-media-server session id: to drop one publisher on request */
  private readonly socketOf = new Map<string, Socket>();
  /** by node-media-server session id */
  private readonly publishing = new Map<string, Publishing>();
  /** stream key -> internal name of its accepted publisher now */
  private readonly internalByKey = new Map<string, string>();
  private readonly internalNames = new Set<string>();
  private readonly players = new Set<string>();
  /** loopback-only publish tokens (the test pattern) -> stream key */
  private readonly publishTokens = new Map<string, { streamKey: string; expiresAt: number }>();
  private boundPort = 0;

  constructor(
    private readonly options: RtmpIngestOptions,
    private readonly handlers: IngestHandlers,
  ) {
    if (instances > 0) throw new Error('node-media-server keeps module-level state: one RtmpIngest per process');
    instances += 1;
    this.log = options.logger.child({ module: 'ingest' });
    const nmsLog = this.log.child({ lib: 'node-media-server' });
    // Its own logger prints stream paths; they hold internal names only, but keep it ours.
    nmsLogger.log = (message: string, level = 'info') => {
      const text = redactSecrets(String(message));
      if (level === 'error') nmsLog.warn(text);
      else nmsLog.debug(text);
    };
    // No listener of its own (no rtmp port given): sessions are made by onConnection below.
    this.nms = new NodeMediaServer({ bind: options.host });
    this.nms.on('prePublish', this.onPrePublish);
    this.nms.on('postPublish', this.onPostPublish);
    this.nms.on('prePlay', this.onPrePlay);
    this.limits = new ConnectionLimits(options.limits, this.log);
    this.server = createServer(this.onConnection);
  }

  get port(): number {
    return this.boundPort;
  }

  /**
   * Where our FFmpeg reads the stream a key publishes now: an internal name valid while that
   * publisher stays, playable from loopback only. With no such publisher the name plays nothing.
   */
  localPlayUrl(streamKey: string): string {
    return this.localUrl(this.internalByKey.get(streamKey) ?? token('n'));
  }

  /** A one-use loopback publish URL for streamKey (the test pattern): no key in FFmpeg's argv. */
  localPublishUrl(streamKey: string): string {
    const now = Date.now();
    for (const [name, entry] of this.publishTokens) if (entry.expiresAt < now) this.publishTokens.delete(name);
    const name = token('p');
    this.publishTokens.set(name, { streamKey, expiresAt: now + PUBLISH_TOKEN_TTL_MS });
    return this.localUrl(name);
  }

  private localUrl(name: string): string {
    const host = this.options.host.includes(':') ? '[::1]' : '127.0.0.1';
    return `rtmp://${host}:${this.boundPort}/${this.options.app}/${name}`;
  }

  /**
   * Drops the connection of an accepted publisher (End show while OBS still sends): its publish
   * ends as if it had left. Returns whether there was such a publisher.
   */
  disconnect(sessionId: string): boolean {
    const socket = this.publishing.has(sessionId) ? this.socketOf.get(sessionId) : undefined;
    if (!socket || socket.destroyed) return false;
    this.log.info({ session: sessionId }, 'publisher disconnected on request');
    socket.destroy();
    return true;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`RTMP listener on ${this.options.host}:${this.options.port}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.error({ err }, 'RTMP listener error'));
        this.boundPort = (this.server.address() as AddressInfo).port;
        this.log.info({ host: this.options.host, port: this.boundPort }, 'RTMP ingest listening');
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    this.limits.stop();
    await this.nms.stop();
    this.publishing.clear();
    this.socketOf.clear();
    this.internalByKey.clear();
    this.internalNames.clear();
    instances -= 1;
  }

  private readonly onConnection = (socket: Socket): void => {
    socket.on('error', () => undefined); // a reset peer is routine; the session logs it at debug
    const remote = socket.remoteAddress ?? '';
    if (!this.limits.admit(remote)) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    // node-media-server's session, minus its own socket reader: the guard feeds it instead.
    const session = new RtmpSession(socket);
    this.socketOf.set(session.id, socket);
    session.run();
    socket.off('data', session.onData);
    const guard = new RtmpGuard({ maxMessageBytes: this.options.limits.maxMessageBytes }, this.policyFor(session.id, remote), (bytes) =>
      session.onData(bytes),
    );
    const fail = (err: unknown) => {
      if (socket.destroyed) return;
      socket.destroy();
      const detail = { session: session.id, remote };
      if (err instanceof RtmpRefused) this.log.warn({ ...detail, reason: err.message }, 'RTMP session refused');
      else if (err instanceof RtmpViolation) this.log.info({ ...detail, reason: err.message }, 'RTMP protocol violation: session closed');
      else this.log.warn({ ...detail, err: redactSecrets(String(err)) }, 'RTMP session failed: closed');
    };
    socket.on('data', (data: Buffer) => {
      if (socket.destroyed) return;
      try {
        guard.push(data);
      } catch (err) {
        fail(err);
      }
    });
    const handshakeTimer = setTimeout(() => {
      if (guard.state !== 'publishing' && guard.state !== 'playing') fail(new RtmpViolation('no publish or play within the handshake timeout'));
    }, this.options.limits.handshakeTimeoutMs);
    socket.setTimeout(this.options.limits.idleTimeoutMs);
    socket.on('timeout', () => {
      // our own local readers send next to nothing once playing
      if (guard.state === 'playing') socket.setTimeout(0);
      else fail(new RtmpViolation('idle timeout'));
    });
    socket.once('close', () => {
      clearTimeout(handshakeTimer);
      this.sockets.delete(socket);
      this.socketOf.delete(session.id);
      this.limits.release(remote);
      this.players.delete(session.id);
      const ended = this.publishing.get(session.id);
      if (!ended) return;
      this.publishing.delete(session.id);
      this.internalNames.delete(ended.internalName);
      if (this.internalByKey.get(ended.request.streamKey) === ended.internalName) this.internalByKey.delete(ended.request.streamKey);
      this.handlers.publishEnded(ended.request);
    });
  };

  private policyFor(sessionId: string, remote: string): GuardPolicy {
    const remoteAddress = remote.replace(/^::ffff:/, '');
    return {
      connect: (app) => app === this.options.app,
      publish: (name): PublishVerdict => {
        let streamKey = name;
        const tokenEntry = isLoopback(remote) ? this.publishTokens.get(name) : undefined;
        if (tokenEntry) {
          this.publishTokens.delete(name);
          if (tokenEntry.expiresAt >= Date.now()) streamKey = tokenEntry.streamKey;
        }
        if (!STREAM_NAME.test(streamKey)) return { accept: false, reason: 'malformed stream key' };
        const request: PublishRequest = { sessionId, app: this.options.app, streamKey, remoteAddress };
        const decision = this.handlers.authorizePublish(request);
        if (!decision.accept) return decision;
        const internalName = token('i');
        this.publishing.set(sessionId, { request, internalName });
        this.internalNames.add(internalName);
        this.internalByKey.set(streamKey, internalName);
        return { accept: true, internalName };
      },
      play: (name) => {
        if (!isLoopback(remote)) {
          this.log.warn({ session: sessionId, remote }, 'play refused: only local readers may play');
          return false;
        }
        if (!this.internalNames.has(name)) return false;
        this.players.add(sessionId);
        return true;
      },
    };
  }

  // node-media-server's own events come after the guard decided; they only double-check.

  private readonly onPrePublish = (session: NmsSession): void => {
    const entry = this.publishing.get(session.id);
    if (!entry || session.streamName !== entry.internalName) session.socket?.destroy();
  };

  private readonly onPostPublish = (session: NmsSession): void => {
    const entry = this.publishing.get(session.id);
    if (!entry || session.socket?.destroyed) return;
    this.log.info({ session: session.id, remote: entry.request.remoteAddress }, 'publish started');
    this.handlers.publishStarted(entry.request);
  };

  private readonly onPrePlay = (session: NmsSession): void => {
    if (!this.players.has(session.id) || !this.internalNames.has(session.streamName)) session.socket?.destroy();
  };
}
