import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.js';

export const RegisterWebhookBody = Type.Object({ url: Type.String({ maxLength: 2000, pattern: '^https?://[^\\s]+$' }) }, { additionalProperties: false });
export const NewWebhookEndpoint = Type.Object({ id: Type.String(), url: Type.String(), secret: Type.String({ description: 'HMAC-SHA256 key; shown only now' }), createdAt: Type.String() });
export const WebhookEndpoints = Type.Array(Type.Object({ id: Type.String(), url: Type.String(), createdAt: IsoTime }), { description: 'without their secrets' });
export const WebhookDeliveries = Type.Array(
  Type.Object({
    eventId: Type.String(),
    eventType: Type.String(),
    attempt: Type.Integer(),
    at: IsoTime,
    statusCode: Nullable(Type.Integer({ description: "the endpoint's answer; null: none came" })),
    error: Nullable(Type.String()),
    durationMs: Type.Integer(),
  }),
);
