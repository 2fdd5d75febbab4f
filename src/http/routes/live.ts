import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { WebSocket } from 'ws';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/websocket'; // brings in the websocket route option and handler types
import type { LiveChat } from '../../realtime/chat.js';
import type { Credentials, LiveHub } from '../../realtime/live-hub.js';
import type { LiveModeration } from '../../realtime/moderation.js';
import type { LivePolls } from '../../realtime/polls.js';
import type { LivePresence } from '../../realtime/presence.js';
import type { LiveQuestions } from '../../realtime/questions.js';
import { ClientMessageSchema, CloseCodes, PROTOCOL_VERSION } from '../../realtime/protocol.js';
import { ChatLineSchema, PollResultsSchema, ServerMessageSchema } from '../../realtime/server-messages.js';
import { Type } from '@sinclair/typebox';
import { ErrorResponseSchema } from '../errors.js';
import { routeGroup } from '../route-schema.js';
import { IdParams as ShowParams } from '../schemas/common.js';
import {
  ChatLines,
  ChatQuery,
  ChatSettings,
  ChatSettingsBody,
  CurrentPoll,
  HostSayBody,
  LiveSocketQuery,
  Lifted,
  LiveProtocol,
  MessageParams,
  Moderators,
  OpenPollBody,
  PinMessageBody,
  PinnedMessage,
  Presence,
  QuestionParams,
  QuestionQueue,
  QuestionsQuery,
  TimedOut,
  TimeoutBody,
  ViewerParams,
} from '../schemas/live.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const security = [{ bearer: [] }];
/** frames over this close the socket (1009); the hub answers smaller oversized ones with an error */
const HARD_FRAME_BYTES = 64 * 1024;

/** What the host's routes call: each audience feature, with only the methods they use. */
export interface LiveAudience {
  chat: Pick<LiveChat, 'recent' | 'hostSay' | 'pin' | 'chatSettings' | 'updateSettings'>;
  moderation: Pick<LiveModeration, 'deleteMessage' | 'timeout' | 'ban' | 'lift' | 'moderators' | 'setModerator'>;
  polls: Pick<LivePolls, 'open' | 'current' | 'close' | 'hide'>;
  questions: Pick<LiveQuestions, 'queue' | 'answer'>;
  presence: Pick<LivePresence, 'presence'>;
}

export interface LiveRoutesOptions {
  /** the live socket */
  hub: Pick<LiveHub, 'connect'>;
  audience: LiveAudience;
  admin: AdminScope;
  isAdmin(authorization: string | undefined): boolean;
  isHostSession(request: FastifyRequest): boolean;
  maxConnectionsPerAddress: number;
  /** a ping every this many seconds; a socket that has not answered the last one is cut */
  heartbeatSeconds: number;
}

export const liveWebSocketOptions = { maxPayload: HARD_FRAME_BYTES, perMessageDeflate: false } as const;

/** The live socket, its protocol document, and the host's chat, poll and question routes. */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRoutesOptions> = async (app, { hub, audience, admin, isAdmin, isHostSession, maxConnectionsPerAddress, heartbeatSeconds }) => {
  const perAddress = new Map<string, number>();

  // A phone that loses its network leaves a half-open TCP connection that no write fails on
  // for many minutes: it would count as present and hold its address's connection slots. One
  // timer pings every socket; whoever has not answered the previous ping is terminated, which
  // runs the socket's close handler (presence, per-address count) like any other close.
  const awaitingPong = new Map<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const [socket, waiting] of awaitingPong) {
      if (waiting) {
        awaitingPong.delete(socket);
        socket.terminate();
        continue;
      }
      awaitingPong.set(socket, true);
      try {
        socket.ping();
      } catch {
        // not open any more: its close handler takes it out of the map
      }
    }
  }, heartbeatSeconds * 1000);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  app.get(
    '/api/live/protocol',
    { schema: { tags: ['live'], summary: `The live WebSocket protocol (version ${PROTOCOL_VERSION}) as JSON Schema, both directions`, response: { 200: LiveProtocol } } },
    async () => ({
      version: PROTOCOL_VERSION,
      endpoint: '/api/shows/{id}/live?token=<viewer token>&protocol=1',
      framing: 'client: one JSON object per text frame; server: one JSON array of messages per text frame',
      closeCodes: CloseCodes,
      clientMessages: ClientMessageSchema,
      serverMessages: ServerMessageSchema,
    }),
  );

  app.get(
    '/api/shows/:id/live',
    {
      websocket: true,
      schema: {
        tags: ['live'],
        summary: 'The live socket: chat, reactions, polls, questions, overlay changes, stock, presence (see /api/live/protocol)',
        params: ShowParams,
        querystring: LiveSocketQuery,
      },
    },
    (socket: WebSocket, request) => {
      const address = request.ip;
      const held = perAddress.get(address) ?? 0;
      const link = {
        send: (frame: Buffer) => socket.send(frame, { binary: false }),
        get bufferedAmount() {
          return socket.bufferedAmount;
        },
        close: (code: number, reason: string) => {
          socket.close(code, reason);
          // a peer that never reads never answers the close either
          setTimeout(() => socket.terminate(), 5000).unref();
        },
      };
      socket.on('error', () => socket.terminate());
      if (held >= maxConnectionsPerAddress) {
        link.send(Buffer.from(JSON.stringify([{ type: 'error', code: 'RATE_LIMITED', message: `at most ${maxConnectionsPerAddress} connections from one address` }])));
        link.close(CloseCodes.FULL, 'RATE_LIMITED');
        return;
      }
      perAddress.set(address, held + 1);
      awaitingPong.set(socket, false);
      socket.on('pong', () => {
        if (awaitingPong.has(socket)) awaitingPong.set(socket, false);
      });
      const query = request.query;
      const authorization = request.headers.authorization;
      let credentials: Credentials = { kind: 'anonymous' };
      if (authorization && isAdmin(authorization)) credentials = { kind: 'host' };
      else if (authorization) credentials = { kind: 'viewer', token: /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? '' };
      else if (query.token !== undefined) credentials = { kind: 'viewer', token: query.token };
      else if (isHostSession(request)) credentials = { kind: 'host' };
      const session = hub.connect(request.params.id, credentials, link, query.protocol ?? PROTOCOL_VERSION);
      socket.on('close', () => {
        awaitingPong.delete(socket);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left <= 0) perAddress.delete(address);
        else perAddress.set(address, left);
        session?.closed();
      });
      if (!session) return;
      socket.on('message', (data, isBinary) => {
        // ws hands over a Buffer unless binaryType was changed; the other forms are for completeness
        session.receive(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data), isBinary);
      });
    },
  );

  await app.register(async (scope) => {
    await admin(scope);
    const host = scope.withTypeProvider<TypeBoxTypeProvider>();
    const route = routeGroup({ tags: ['live'], security, params: ShowParams });

    host.get(
      '/api/shows/:id/chat',
      route('The chat as it stands (last messages, not deleted)', {
        querystring: ChatQuery,
        response: { 200: ChatLines, ...errors },
      }),
      async (request) => audience.chat.recent(request.params.id, request.query.limit ?? 100),
    );
    host.post(
      '/api/shows/:id/chat',
      route('Say something in the chat as the show\'s host (named after the show\'s host, marked "host")', {
        body: HostSayBody,
        response: { 201: ChatLineSchema, ...errors },
      }),
      async (request, reply) => reply.status(201).send(audience.chat.hostSay(request.params.id, request.body.text)),
    );
    host.delete(
      '/api/shows/:id/chat/:messageId',
      { schema: { tags: ['live'], summary: 'Delete a message: it disappears for everyone', security, params: MessageParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        audience.moderation.deleteMessage(request.params.id, request.params.messageId, 'host');
        return reply.status(204).send(null);
      },
    );
    host.put(
      '/api/shows/:id/chat/pin',
      route('Pin a message above the chat (null: unpin)', {
        body: PinMessageBody,
        response: { 200: PinnedMessage, ...errors },
      }),
      async (request) => ({ pinned: audience.chat.pin(request.params.id, request.body.messageId) }),
    );
    host.get('/api/shows/:id/chat/settings', route('Chat settings', { response: { 200: ChatSettings, ...errors } }), async (request) => audience.chat.chatSettings(request.params.id));
    host.patch(
      '/api/shows/:id/chat/settings',
      route('Slow mode, links', {
        body: ChatSettingsBody,
        response: { 200: ChatSettings, ...errors },
      }),
      async (request) => audience.chat.updateSettings(request.params.id, request.body),
    );
    host.post(
      '/api/shows/:id/timeouts',
      route('Time a viewer out of this show\'s chat', {
        body: TimeoutBody,
        response: { 201: TimedOut, ...errors },
      }),
      async (request, reply) => {
        const body = request.body;
        const { until } = audience.moderation.timeout(request.params.id, body.viewerId, body.seconds);
        return reply.status(201).send({ viewerId: body.viewerId, until: new Date(until).toISOString() });
      },
    );
    host.put(
      '/api/viewers/:viewerId/ban',
      { schema: { tags: ['live'], summary: 'Ban a viewer from chat in every show; their messages in live rooms disappear', security, params: ViewerParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        audience.moderation.ban(request.params.viewerId);
        return reply.status(204).send(null);
      },
    );
    host.delete(
      '/api/viewers/:viewerId/ban',
      { schema: { tags: ['live'], summary: 'Lift the bans and timeouts of a viewer', security, params: ViewerParams, response: { 200: Lifted, ...errors } } },
      async (request) => ({ lifted: audience.moderation.lift(request.params.viewerId) }),
    );
    host.get('/api/moderators', { schema: { tags: ['live'], summary: 'Viewers who moderate chat', security, response: { 200: Moderators, ...errors } } }, async () =>
      audience.moderation.moderators().map((m) => ({ ...m, grantedAt: new Date(m.grantedAt).toISOString() })),
    );
    host.put('/api/viewers/:viewerId/moderator', { schema: { tags: ['live'], summary: 'Make a viewer a moderator', security, params: ViewerParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
      audience.moderation.setModerator(request.params.viewerId, true);
      return reply.status(204).send(null);
    });
    host.delete('/api/viewers/:viewerId/moderator', { schema: { tags: ['live'], summary: 'No longer a moderator', security, params: ViewerParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
      audience.moderation.setModerator(request.params.viewerId, false);
      return reply.status(204).send(null);
    });

    host.post(
      '/api/shows/:id/polls',
      route('Open a poll (closes the one open before); optionally on the video', {
        body: OpenPollBody,
        response: { 201: PollResultsSchema, ...errors },
      }),
      async (request, reply) => {
        const body = request.body;
        return reply.status(201).send(audience.polls.open(request.params.id, { question: body.question, options: body.options, onOverlay: body.onOverlay ?? false }));
      },
    );
    host.get('/api/shows/:id/polls/current', route('The latest poll and its results', { response: { 200: CurrentPoll, ...errors } }), async (request) =>
      audience.polls.current(request.params.id),
    );
    host.post('/api/shows/:id/polls/current/close', route('Close the poll: results are final', { response: { 200: PollResultsSchema, ...errors } }), async (request) =>
      audience.polls.close(request.params.id),
    );
    host.delete('/api/shows/:id/polls/overlay', route('Take the poll off the video', { response: { 204: Type.Null(), ...errors } }), async (request, reply) => {
      audience.polls.hide(request.params.id);
      return reply.status(204).send(null);
    });

    host.get(
      '/api/shows/:id/questions',
      route('Questions and demo requests, open ones first, ranked by votes', {
        querystring: QuestionsQuery,
        response: { 200: QuestionQueue, ...errors },
      }),
      async (request) => audience.questions.queue(request.params.id, request.query.answered ?? false),
    );
    host.post(
      '/api/shows/:id/questions/:questionId/answered',
      { schema: { tags: ['live'], summary: 'Mark a question or demo request answered', security, params: QuestionParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        audience.questions.answer(request.params.id, request.params.questionId);
        return reply.status(204).send(null);
      },
    );
    host.get('/api/shows/:id/presence', route('Viewers connected now and the peak', { response: { 200: Presence, ...errors } }), async (request) =>
      audience.presence.presence(request.params.id),
    );
  });
};
