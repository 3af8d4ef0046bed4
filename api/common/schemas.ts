import { z } from '@hono/zod-openapi';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../lib/lists/pagination.js';
import { isCalendarDate } from '../../lib/time/calendar.js';

/** Bodies of the error answers, as the original API wrote them. */
export const ErrorBody = z.object({ error: z.string() }).openapi('Error');
export const DetailBody = z.object({ detail: z.string() }).openapi('Detail');

const positiveInt = (what: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,9}$/, `must be a positive whole number (${what})`)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, `must be at most 2147483647 (${what})`);

/**
 * An optional query parameter. Sent empty (`?user_id=`) it counts as not sent, as the original's
 * filters took it. The OpenAPI description goes on the outside, where the generator reads it.
 */
export function optionalQuery<T extends z.ZodTypeAny>(schema: T, openapi: Record<string, unknown> = {}) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional()).openapi(openapi);
}

export const IdParams = z.object({
  id: positiveInt('an id').openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 1 }),
});

/** 'YYYY-MM-DD', a day that exists. */
export const DateString = z
  .string()
  .refine(isCalendarDate, 'must be a date as YYYY-MM-DD that exists, e.g. 2025-11-11')
  .openapi({ format: 'date', example: '2025-11-11' });

/** Query-string booleans as the original's filters took them. */
export const QueryBoolean = z
  .string()
  .transform((value) => value.toLowerCase())
  .refine((value) => ['true', 'false', '1', '0'].includes(value), 'must be true, false, 1 or 0')
  .transform((value) => value === 'true' || value === '1')
  .openapi({ type: 'string', enum: ['true', 'false', '1', '0'] });

/** Text that may reach PostgreSQL: no control characters (NUL cannot be stored at all). */
export const PlainText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must not contain control characters');

export const PageQuery = {
  page: optionalQuery(positiveInt('a page number'), { type: 'integer', minimum: 1 }),
  page_size: optionalQuery(
    positiveInt('a page size').refine((n) => n <= MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`),
    { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  ),
};

export const orderingQuery = (fields: readonly string[]) =>
  optionalQuery(z.string().max(500), {
    type: 'string',
    description: `Comma-separated fields, - for descending: ${fields.join(', ')}`,
  });

/** A date filter or range end, 'YYYY-MM-DD'. */
export const dateQuery = (date: z.ZodType<string> = DateString) =>
  optionalQuery(date, { type: 'string', format: 'date', example: '2025-11-11' });

/** `start_date` and `end_date` together: both optional, start not after end. */
export function dateRangeQuery<T extends z.ZodRawShape>(shape: T) {
  return z.object({ ...shape, start_date: dateQuery(), end_date: dateQuery() }).refine(
    (query) => {
      const range = query as { start_date?: string; end_date?: string };
      return !range.start_date || !range.end_date || range.start_date <= range.end_date;
    },
    { message: 'must be on or before end_date', path: ['start_date'] },
  );
}

export function pageOf<T extends z.ZodTypeAny>(item: T, name: string) {
  return z
    .object({
      count: z.number().int(),
      next: z.string().nullable(),
      previous: z.string().nullable(),
      results: z.array(item),
    })
    .openapi(name);
}

/** `?wait=` on the triggers: seconds to wait for the workflow before answering 202. */
export const WaitQuery = z.object({
  wait: optionalQuery(
    z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number of seconds')
      .transform(Number)
      .refine((seconds) => seconds <= 120, 'must be at most 120 seconds'),
    {
      type: 'integer',
      minimum: 0,
      maximum: 120,
      default: 25,
      description: 'Seconds to wait for the result',
    },
  ),
});

export const WorkflowRunningBody = z
  .object({ workflow_id: z.string(), run_id: z.string(), status: z.literal('running') })
  .openapi('WorkflowRunning');

/** A JSON response for a route definition. */
export const jsonResponse = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body for a route definition. */
export const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

/** A JSON request body that may be left out. */
export const optionalJsonBody = <T>(schema: T) => ({
  required: false,
  content: { 'application/json': { schema } },
});
