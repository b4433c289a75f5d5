import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HTTP_STATUS, isAppError } from '../errors.js';

/** The one place errors become HTTP: typed errors keep their id; unknown ones are logged and hidden. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (isAppError(error)) {
    void reply.status(HTTP_STATUS[error.kind]).send({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    void reply.status(400).send({ error: 'invalid_request', message: 'the request does not match the API schema', details: { issues: error.validation } });
    return;
  }
  const fe = error as FastifyError;
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply.status(fe.statusCode).send({ error: fe.code ? fe.code.toLowerCase() : 'bad_request', message: fe.message });
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send({ error: 'internal_error', message: 'internal error; see the server log', requestId: request.id });
}
