import { Type } from '@sinclair/typebox';

export const RegisterWebhookBody = Type.Object({ url: Type.String({ maxLength: 2000, pattern: '^https?://[^\\s]+$' }) }, { additionalProperties: false });
export const NewWebhookEndpoint = Type.Object({ id: Type.String(), url: Type.String(), secret: Type.String({ description: 'HMAC-SHA256 key; shown only now' }), createdAt: Type.String() });
