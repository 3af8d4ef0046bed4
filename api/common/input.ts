import type { Context, MiddlewareHandler } from 'hono';

const JSON_CONTENT_TYPE = /^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i;

const isJson = (c: Context) => JSON_CONTENT_TYPE.test(c.req.header('content-type') ?? '');

/**
 * For a route whose body is optional: a JSON content type with an empty body counts as `{}`, as
 * Django REST framework took it (scripts written for the original send the header on every call).
 * A body that is there and malformed still gets its 400.
 */
export const emptyJsonBodyAsEmptyObject: MiddlewareHandler = async (c, next) => {
  if (c.req.raw.body && isJson(c) && (await c.req.raw.clone().arrayBuffer()).byteLength === 0) {
    c.req.raw = new Request(c.req.raw, { body: '{}' });
  }
  await next();
};
