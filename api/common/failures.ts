import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describeError, toBridgeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { NOT_FOUND } from './responses.js';

/**
 * The answer to a request that threw, in the original's shapes and never with a stack trace: the
 * client's mistake (malformed JSON, a wrong content type) as its 4xx; our errors, and PostgreSQL or
 * Temporal out of reach, with the status from our error table and their message; anything else is a
 * bug, answered 500 without detail.
 */
export function failureAnswer(c: Context, error: unknown, logger: Logger): Response {
  if (error instanceof HTTPException && error.status < 500) {
    return c.json({ error: error.message }, error.status);
  }
  const known = toBridgeError(error);
  if (known && known.httpStatus !== 500) {
    logger.warn({ msg: 'API request failed', path: c.req.path, type: known.type, error: known.message });
    if (known.httpStatus === 404) return c.json(NOT_FOUND, 404);
    return c.json({ error: known.message }, known.httpStatus);
  }
  logger.error({ msg: 'unhandled API error', path: c.req.path, error: describeError(known ?? error) });
  return c.json({ error: 'Internal server error' }, 500);
}

/**
 * Hono hands only `instanceof Error` to `onError` and lets anything else thrown escape the request
 * unanswered (a thrown value that is no Error, an error made in another realm such as a test's VM).
 * First in the chain, this answers those too.
 */
export function answerEveryFailure(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    try {
      await next();
    } catch (error) {
      return failureAnswer(c, error, logger);
    }
  };
}
