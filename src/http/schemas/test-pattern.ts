import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const TestPatternState = Type.Object({ running: Type.Boolean(), error: Nullable(Type.String()) });
export const StartTestPatternBody = Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600 })) }, { additionalProperties: false });
export const TestPatternStarted = Type.Object({ running: Type.Boolean(), seconds: Type.Integer() });
