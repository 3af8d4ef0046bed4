import { STATUS_CODES } from 'node:http';
import type { CrmAnswer } from './outcome.js';

/** What a harmless request to the CRM URL says about deliveries to come. */
export interface ConnectionCheck {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Any HTTP answer proves the host is reachable and its certificate valid. The check still fails
 * when the answer shows deliveries cannot succeed: a redirect (not followed), refused credentials,
 * a wrong path, a busy or broken CRM. Other answers (204, 400, 405, …) are what an endpoint that
 * only takes POST may well say to OPTIONS, so they pass.
 */
export function judgeConnectionAnswer(
  answer: Pick<CrmAnswer, 'status'>,
  where: string,
  durationMs: number,
): ConnectionCheck {
  const { status } = answer;
  const fail = (advice: string): ConnectionCheck => ({
    ok: false,
    status,
    error: `CRM at ${where} answered the connection check with ${statusLine(status)}; ${advice}`,
    durationMs,
  });
  if (status >= 300 && status <= 399)
    return fail('redirects are not followed, set CRM_API_URL to the final address');
  if (status === 401 || status === 403 || status === 407) return fail('check CRM_API_TOKEN');
  if (status === 404) return fail('check CRM_API_URL');
  if (status === 408 || status === 429 || status >= 500) return fail('the CRM cannot take requests now');
  return { ok: true, status, error: null, durationMs };
}

function statusLine(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `${status} ${phrase}` : String(status);
}
