import { Type } from '@sinclair/typebox';
import { CHAT_TEXT_MAX, POLL_OPTION_MAX, POLL_OPTIONS_MAX, POLL_QUESTION_MAX } from '../../domain/audience.js';
import { ChatLineSchema, PollResultsSchema, QuestionViewSchema } from '../../realtime/server-messages.js';
import { ID_PATTERN, IsoTime, Nullable, PRINTABLE_TEXT } from './common.js';

export const ViewerParams = Type.Object({ viewerId: Type.String({ pattern: ID_PATTERN }) });
export const MessageParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }), messageId: Type.String({ pattern: ID_PATTERN }) });
export const QuestionParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }), questionId: Type.String({ pattern: ID_PATTERN }) });

export const LiveSocketQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })), protocol: Type.Optional(Type.Integer()) });

export const ChatLines = Type.Array(ChatLineSchema);
export const ChatQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });

// the hub counts code points and says how long; the schema only bounds the body
export const HostSayBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: CHAT_TEXT_MAX * 4 }) }, { additionalProperties: false });

export const PinMessageBody = Type.Object({ messageId: Nullable(Type.String({ pattern: ID_PATTERN })) }, { additionalProperties: false });
export const PinnedMessage = Type.Object({ pinned: Nullable(ChatLineSchema) });

export const ChatSettings = Type.Object({ slowModeSeconds: Type.Integer(), linksAllowed: Type.Boolean(), pinnedMessageId: Nullable(Type.String()) });
export const ChatSettingsBody = Type.Object(
  { slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })), linksAllowed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const TimeoutBody = Type.Object({ viewerId: Type.String({ pattern: ID_PATTERN }), seconds: Type.Integer({ minimum: 1, maximum: 86_400 }) }, { additionalProperties: false });
export const TimedOut = Type.Object({ viewerId: Type.String(), until: IsoTime });
export const Lifted = Type.Object({ lifted: Type.Integer() });

export const OpenPollBody = Type.Object(
  {
    question: Type.String({ minLength: 1, maxLength: POLL_QUESTION_MAX, pattern: PRINTABLE_TEXT }),
    options: Type.Array(Type.String({ minLength: 1, maxLength: POLL_OPTION_MAX, pattern: PRINTABLE_TEXT }), { minItems: 2, maxItems: POLL_OPTIONS_MAX }),
    onOverlay: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export const CurrentPoll = Nullable(PollResultsSchema);

export const QuestionQueue = Type.Array(QuestionViewSchema);
export const QuestionsQuery = Type.Object({ answered: Type.Optional(Type.Boolean()) });

export const Presence = Type.Object({ viewers: Type.Integer(), peak: Type.Integer() });

export const Moderators = Type.Array(Type.Object({ viewerId: Type.String(), displayName: Type.String(), grantedAt: IsoTime }));

/** GET /api/live/protocol: the socket's messages both ways, as JSON Schema */
export const LiveProtocol = Type.Object({
  version: Type.Integer(),
  endpoint: Type.String(),
  framing: Type.String(),
  closeCodes: Type.Record(Type.String(), Type.Integer()),
  clientMessages: Type.Unknown({ description: 'JSON Schema of what a client may send' }),
  serverMessages: Type.Unknown({ description: 'JSON Schema of what the server sends' }),
});
