// CRM behaviours for delivery tests, on top of test/support/crmServer.ts.
import type { CrmBehaviour, CrmReply, CrmRequest } from '../support/crmServer.js';

/** The n-th POST gets the n-th reply; once they run out, the last one repeats. */
export function inTurn(...replies: CrmReply[]): CrmBehaviour {
  let count = 0;
  return () => {
    const reply = replies[Math.min(count, replies.length - 1)];
    count += 1;
    return reply;
  };
}

/** The requests' Idempotency-Key headers, in order of arrival. */
export function keysOf(requests: CrmRequest[]): string[] {
  return requests.map((request) => String(request.headers['idempotency-key']));
}
