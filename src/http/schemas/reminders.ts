import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Base64Url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$' });

/** PushSubscription.toJSON() as a browser gives it (expirationTime and other fields allowed, ignored) */
export const PushSubscriptionSchema = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, maxLength: 1024, description: 'the push service URL (https)' }),
    keys: Type.Object({ p256dh: Base64Url(128), auth: Base64Url(64) }, { additionalProperties: false }),
    expirationTime: Type.Optional(Nullable(Type.Number())),
  },
  { additionalProperties: false },
);

export const ReminderBody = Type.Object(
  {
    subscription: PushSubscriptionSchema,
    minutesBefore: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10080, description: 'also this many minutes before the show; null: at go-live only; left out: reminders.defaultMinutesBefore' }))),
  },
  { additionalProperties: false },
);

export const ReminderForgetBody = Type.Object({ endpoint: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });

export const ReminderSchema = Type.Object({ id: Type.String(), showId: Type.String(), minutesBefore: Nullable(Type.Integer()) });

export const PushKeySchema = Type.Object({ publicKey: Type.String({ description: "the server's VAPID public key, base64url (applicationServerKey)" }) });
