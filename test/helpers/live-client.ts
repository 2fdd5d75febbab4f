import { TypeCompiler } from '@sinclair/typebox/compiler';
import WebSocket from 'ws';
import '../../src/http/schemas/common.js'; // registers the date-time format the server schemas use
import { ServerMessageSchema, type ServerMessage } from '../../src/realtime/server-messages.js';

const checkServerMessage = TypeCompiler.Compile(ServerMessageSchema);

export type Received = ServerMessage & Record<string, unknown>;

/** A real WebSocket viewer: every server message is checked against the protocol schema. */
export class LiveClient {
  readonly messages: Received[] = [];
  /** messages that did not match the protocol's schema: a test asserts this stays empty */
  readonly invalid: unknown[] = [];
  frames = 0;
  closeCode: number | null = null;
  closeReason = '';
  private waiters: Array<() => void> = [];
  readonly opened: Promise<void>;
  readonly closedP: Promise<number>;

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closedP = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.wake();
        resolve(code);
      }),
    );
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      this.frames += 1;
      const batch = JSON.parse(String(data)) as unknown;
      if (!Array.isArray(batch)) {
        this.invalid.push(batch);
        return;
      }
      for (const m of batch) {
        if (!checkServerMessage.Check(m)) this.invalid.push({ message: m, error: checkServerMessage.Errors(m).First() });
        this.messages.push(m as Received);
      }
      this.wake();
    });
  }

  static async open(baseUrl: string, showId: string, options: { token?: string; authorization?: string; query?: string } = {}): Promise<LiveClient> {
    const ws = baseUrl.replace(/^http/, 'ws');
    const query = options.query ?? (options.token ? `?token=${options.token}` : '');
    const socket = new WebSocket(`${ws}/api/shows/${showId}/live${query}`, {
      headers: options.authorization ? { authorization: options.authorization } : {},
    });
    const client = new LiveClient(socket);
    await client.opened;
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first message (from `from` on) matching the predicate; fails after timeoutMs. */
  async next<T extends Received = Received>(predicate: (m: Received) => boolean, timeoutMs = 5000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(predicate);
      if (found) return found as T;
      if (this.closeCode !== null) throw new Error(`socket closed (${this.closeCode} ${this.closeReason}) before the message came`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got types ${this.messages.map((m) => m.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  ofType<T extends Received = Received>(type: string): T[] {
    return this.messages.filter((m) => m.type === type) as T[];
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.socket.terminate();
  }
}
