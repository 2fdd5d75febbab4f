import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CHAT_TEXT_MAX, QUESTION_TEXT_MAX, reactionKinds } from '../domain/audience.js';

/**
 * The live protocol, version 1. A client sends one JSON object per text frame; the server
 * sends one JSON array of messages per frame (messages of one tick travel together: one
 * serialisation, one frame, for every viewer). Every message has a `type`. Any client message
 * may carry `ref`, which errors caused by it echo back.
 */
export const PROTOCOL_VERSION = 1;

/** A client frame larger than this gets an error (the WebSocket layer closes at a hard limit above it). */
export const MAX_CLIENT_FRAME_BYTES = 4096;

const Ref = Type.Optional(Type.String({ maxLength: 64 }));
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

export const ClientMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('chat'), text: Type.String({ maxLength: CHAT_TEXT_MAX * 4 }), ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('react'), reaction: Type.Union(reactionKinds.map((k) => Type.Literal(k))), ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('vote'), pollId: Id, option: Type.Integer({ minimum: 0, maximum: 9 }), ref: Ref }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('ask'), text: Type.String({ maxLength: QUESTION_TEXT_MAX * 4 }), productId: Type.Optional(Id), ref: Ref },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('demo'), productId: Id, ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('upvote'), questionId: Id, ref: Ref }, { additionalProperties: false }),
  // moderators and the host
  Type.Object({ type: Type.Literal('delete'), messageId: Id, ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('timeout'), viewerId: Id, seconds: Type.Integer({ minimum: 1, maximum: 86_400 }), ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ban'), viewerId: Id, ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('pin'), messageId: Type.Union([Id, Type.Null()]), ref: Ref }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('slowmode'), seconds: Type.Integer({ minimum: 0, maximum: 3600 }), ref: Ref }, { additionalProperties: false }),
]);
export type ClientMessage = Static<typeof ClientMessageSchema>;
export const clientMessageTypes = ClientMessageSchema.anyOf.map((s) => s.properties.type.const);

const checkClientMessage = TypeCompiler.Compile(ClientMessageSchema);

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; code: 'INVALID_MESSAGE' | 'UNKNOWN_MESSAGE_TYPE'; message: string; ref?: string };

/** Checks a frame against the schema; never throws, whatever arrives. */
export function parseClientMessage(frame: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { ok: false, code: 'INVALID_MESSAGE', message: 'a frame must be one JSON object' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'INVALID_MESSAGE', message: 'a frame must be one JSON object' };
  }
  const record = value as Record<string, unknown>;
  const ref = typeof record.ref === 'string' && record.ref.length <= 64 ? record.ref : undefined;
  const withRef = <T extends object>(r: T) => (ref === undefined ? r : { ...r, ref });
  if (typeof record.type !== 'string' || !(clientMessageTypes as string[]).includes(record.type)) {
    return withRef({
      ok: false as const,
      code: 'UNKNOWN_MESSAGE_TYPE' as const,
      message: `type must be one of ${clientMessageTypes.join(', ')}`,
    });
  }
  if (!checkClientMessage.Check(value)) {
    const first = checkClientMessage.Errors(value).First();
    const where = first?.path || '/';
    return withRef({ ok: false as const, code: 'INVALID_MESSAGE' as const, message: `${record.type}: ${where} ${first?.message ?? 'is not valid'}` });
  }
  return { ok: true, message: value };
}

/** Close codes a client can act on (4000-4999 are the application's). */
export const CloseCodes = {
  /** the server is shutting down: reconnect after a pause */
  GOING_AWAY: 1001,
  /** a frame over the hard size limit (sent by the WebSocket layer itself) */
  TOO_BIG: 1009,
  /** fell too far behind: reconnect, the welcome message brings the history back */
  TOO_SLOW: 4008,
  /** unsupported protocol version asked for */
  BAD_PROTOCOL: 4400,
  /** the token is forged, revoked or malformed: get a new one from POST /api/viewers */
  INVALID_TOKEN: 4401,
  /** no such show */
  SHOW_NOT_FOUND: 4404,
  /** far more frames than any person types: reconnect later */
  FLOODING: 4429,
  /** the show has too many connections */
  FULL: 4503,
} as const;
