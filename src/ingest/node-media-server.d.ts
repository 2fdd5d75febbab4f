// node-media-server v4 ships CommonJS without types; only what src/ingest uses is declared.
declare module 'node-media-server' {
  import type { Server, Socket } from 'node:net';

  export interface NmsSession {
    id: string;
    ip: string;
    protocol: string;
    streamApp: string;
    streamName: string;
    streamPath: string;
    streamQuery: Record<string, unknown>;
    isPublisher: boolean;
    socket?: Socket;
    close(): void;
  }

  export interface NmsConfig {
    bind?: string;
    rtmp?: { port?: number };
    store?: { path?: string };
  }

  export default class NodeMediaServer {
    constructor(config: NmsConfig, configPath?: string);
    rtmpServer: { tcpServer?: Server; stop(): void };
    on(event: 'prePublish' | 'postPublish' | 'donePublish' | 'prePlay' | 'postPlay' | 'donePlay', listener: (session: NmsSession) => void): void;
    stop(): Promise<void>;
  }
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string; log(message: string, level?: string): void };
  export default logger;
}

declare module 'node-media-server/src/session/rtmp_session.js' {
  import type { Socket } from 'node:net';
  /** One RTMP connection; run() attaches its socket listeners, onData is its parser input. */
  export default class RtmpSession {
    constructor(socket: Socket);
    id: string;
    socket: Socket;
    run(): void;
    onData: (data: Buffer) => void;
  }
}
