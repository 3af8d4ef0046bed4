import type { Context } from 'hono';
import type { z } from 'zod';

const TARGET_NAMES: Record<string, string> = { json: 'body', query: 'query', param: 'path', form: 'body' };

/** One line naming every field that failed and why: "port: Too big: expected number to be <=65535". */
export function describeIssues(error: z.ZodError, target?: string): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : (TARGET_NAMES[target ?? ''] ?? 'request');
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** The app's validation hook: a failed input is 400 `{"error": "..."}`, as the original answered. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context,
) {
  if (!result.success) return c.json({ error: describeIssues(result.error, result.target) }, 400);
}
