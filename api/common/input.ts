import type { Context, MiddlewareHandler } from 'hono';

const JSON_CONTENT_TYPE = /^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const isJson = (c: Context) => JSON_CONTENT_TYPE.test(c.req.header('content-type') ?? '');

/** Why a text cannot be stored in PostgreSQL or handed to Temporal, or null when it can. */
function textProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds a lone UTF-16 surrogate)';
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  return null;
}

/** A percent-encoded part of a URL as text, or null when its bytes are not UTF-8. A stray `%` stays. */
function decodeUrlPart(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ').replace(/%(?![\da-fA-F]{2})/g, '%25'));
  } catch {
    return null;
  }
}

const NOT_UTF8 = 'must be valid Unicode text (percent-encoded bytes that are not UTF-8)';

function urlProblem(href: string): string | null {
  const url = new URL(href);
  for (const segment of url.pathname.split('/')) {
    const text = decodeUrlPart(segment);
    const problem = text === null ? NOT_UTF8 : textProblem(text);
    if (problem) return `path: ${problem}`;
  }
  for (const pair of url.search.slice(1).split('&')) {
    const [rawName, ...rawValue] = pair.split('=');
    const name = decodeUrlPart(rawName);
    if (name === null) return `query: a parameter name ${NOT_UTF8}`;
    const value = decodeUrlPart(rawValue.join('='));
    const problem = value === null ? NOT_UTF8 : (textProblem(name) ?? textProblem(value));
    if (problem) return `${name || 'query'}: ${problem}`;
  }
  return null;
}

/** The first string of a parsed JSON body, name or value, that cannot be stored; named as a field. */
function jsonProblem(value: unknown, where: string[]): string | null {
  const field = where.length > 0 ? where.join('.') : 'body';
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `${field}: ${problem}`;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [name, inner] of Object.entries(value)) {
    const nameProblem = textProblem(name);
    if (nameProblem) return `${field}: a field name ${nameProblem}`;
    const problem = jsonProblem(inner, [...where, name]);
    if (problem) return problem;
  }
  return null;
}

async function bodyProblem(c: Context): Promise<string | null> {
  if (!c.req.raw.body || !isJson(c)) return null;
  // A copy: the route's validator reads the body itself, from the request as it came.
  const bytes = await c.req.raw.clone().arrayBuffer();
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return 'body: must be valid Unicode text (bytes that are not UTF-8)';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null; // Malformed JSON: the route's validator says so, as it always did.
  }
  return jsonProblem(parsed, []);
}

/**
 * Text that reaches PostgreSQL or Temporal must be text they take: UTF-8 on the wire, no lone UTF-16
 * surrogate (JSON can spell one, "\ud800"; Temporal refuses it, PostgreSQL cannot store it) and no
 * NUL. Checked here once for the path, every query parameter and every string of a JSON body, so no
 * field, present or future, can miss it: 400 naming the field.
 */
export const wellFormedText: MiddlewareHandler = async (c, next) => {
  const problem = urlProblem(c.req.url) ?? (await bodyProblem(c));
  if (problem) return c.json({ error: problem }, 400);
  await next();
};

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
