import {
  type CrmReply,
  type CrmServer,
  createIdempotentStore,
  type IdempotentStore,
  seededRandom,
  startCrmServer,
} from '../../support/crmServer.js';

/** What the chaotic CRM did to one POST. */
export type CrmFate =
  | 'applied'
  | 'reset before applying'
  | 'reset after applying'
  | '429'
  | '5xx'
  | 'stalled past the timeout after applying'
  | 'slow';

export interface ChaoticCrm {
  server: CrmServer;
  store: IdempotentStore;
  fates: Record<CrmFate, number>;
  /** Faults off (a CRM that works): the store keeps what it holds. */
  calm(): void;
  close(): Promise<void>;
}

/**
 * A CRM that applies each Idempotency-Key once (createIdempotentStore) behind a seeded share of
 * faults: connection resets before and after the record was applied, 429 with Retry-After, 5xx,
 * answers stalled past the bridge's request timeout (the record applied, the answer lost) and slow
 * answers. The faults that apply a record and lose the answer are the ones a retry must not double.
 */
export async function startChaoticCrm(options: {
  seed: number;
  faultRate: number;
  token: string;
  /** Longer than CRM_REQUEST_TIMEOUT. */
  stallMs: number;
}): Promise<ChaoticCrm> {
  const store = createIdempotentStore();
  const next = seededRandom(options.seed);
  const fates: Record<CrmFate, number> = {
    applied: 0,
    'reset before applying': 0,
    'reset after applying': 0,
    '429': 0,
    '5xx': 0,
    'stalled past the timeout after applying': 0,
    slow: 0,
  };
  let faultRate = options.faultRate;
  const counted = (fate: CrmFate, reply: CrmReply): CrmReply => {
    fates[fate] += 1;
    return reply;
  };
  const server = await startCrmServer({
    behaviour: async (request) => {
      if (request.headers.authorization !== `Token ${options.token}`) {
        return { status: 401, body: { detail: 'Invalid token.' } };
      }
      if (request.method !== 'POST' || next() >= faultRate) {
        const reply = await store.behaviour(request);
        if (request.method === 'POST') fates.applied += 1;
        return reply;
      }
      const roll = next();
      if (roll < 0.15) return counted('reset before applying', { hangUp: true });
      if (roll < 0.3) {
        await store.behaviour(request);
        return counted('reset after applying', { hangUp: true });
      }
      if (roll < 0.45) {
        return counted('429', {
          status: 429,
          body: { detail: 'slow down' },
          headers: { 'retry-after': '1' },
        });
      }
      if (roll < 0.65) {
        const status = [500, 502, 503][Math.floor(next() * 3)];
        return counted('5xx', { status, body: { error: 'CRM failure' } });
      }
      if (roll < 0.75) {
        const reply = await store.behaviour(request);
        return counted('stalled past the timeout after applying', { ...reply, delayMs: options.stallMs });
      }
      const reply = await store.behaviour(request);
      return counted('slow', { ...reply, delayMs: 100 + Math.floor(next() * 700) });
    },
  });
  return {
    server,
    store,
    fates,
    calm() {
      faultRate = 0;
    },
    close: () => server.close(),
  };
}
