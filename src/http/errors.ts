import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue, HawkerError, isStorageFailure, type ErrorCode } from '../domain/errors.js';
import { fieldProblemsOf } from './validation-problems.js';

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

function body(code: ErrorCode, message?: string, details?: unknown): ErrorBody {
  const entry = errorCatalogue[code];
  return { statusCode: entry.status, code, message: message ?? entry.message, ...(details === undefined ? {} : { details }) };
}

/** Fastify's own error codes, mapped onto the catalogue. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_RATE_LIMIT_EXCEEDED: 'RATE_LIMITED',
};

/** For Fastify's frameworkErrors option: errors raised before routing (a URL that does not decode). */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(400).send(body('BAD_REQUEST', error.message));
}

/** Every error leaves as { statusCode, code, message[, details] } from the one catalogue. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HawkerError | Error, request, reply) => {
    if (error instanceof HawkerError) {
      return reply.status(error.status).send(body(error.code, error.message, error.details));
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      // words a person can read next to the field (a pattern's regular expression never leaves)
      const details = fieldProblemsOf(fe.validation);
      const where = fe.validationContext ?? 'body';
      return reply.status(400).send(body('VALIDATION_FAILED', `invalid ${where}: ${details.map((d) => `${d.field || where} ${d.problem}`).join('; ')}`, details));
    }
    const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
    if (mapped) return reply.status(errorCatalogue[mapped].status).send(body(mapped, fe.message));
    if (error instanceof SyntaxError) return reply.status(400).send(body('INVALID_JSON', error.message));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ statusCode: fe.statusCode, code: 'VALIDATION_FAILED', message: fe.message });
    }
    if (isStorageFailure(error)) {
      // A full or failing disk is the server's condition, not a bug: the write was rolled back,
      // so the client may send the same request again once space returns.
      request.log.warn({ code: fe.code }, 'write refused: storage unavailable');
      return reply.status(503).header('retry-after', '10').send(body('STORAGE_UNAVAILABLE'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(body('INTERNAL'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}

export const ErrorResponseSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(errorCatalogue) },
    message: { type: 'string' },
    details: {},
  },
  required: ['statusCode', 'code', 'message'],
} as const;
