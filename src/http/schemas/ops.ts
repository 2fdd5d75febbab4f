import { Type } from '@sinclair/typebox';

export const Alive = Type.Object({ status: Type.Literal('ok') });

export const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  checks: Type.Record(Type.String(), Type.Boolean()),
  /** show id -> starting / running / stalled / restarting */
  pipelines: Type.Optional(Type.Record(Type.String(), Type.String())),
});
