import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the demo CRM did with the requests it got. */
export interface DemoCrmCounts {
  accepted: number;
  rejected: number;
  unavailable: number;
}

export interface DemoCrm {
  url: string;
  token: string;
  counts: DemoCrmCounts;
  close(): Promise<void>;
}

/** Out of this many records, one is refused for good and one fails its first tries. */
const ONE_IN = 60;
/** Requests a "busy" record gets 503 for; after these the CRM takes it (a later re-delivery works). */
const BUSY_REQUESTS = 2;

/** Which records the demo CRM refuses or is too busy for: fixed by the record, not by chance. */
export function demoCrmVerdict(userId: string, date: string): 'accept' | 'reject' | 'busy' {
  const bucket = createHash('sha256').update(`${userId}/${date}`).digest().readUInt32BE(0) % ONE_IN;
  if (bucket === 0) return 'reject';
  if (bucket === 1) return 'busy';
  return 'accept';
}

/**
 * A CRM endpoint on 127.0.0.1 for the demo, so deliveries have somewhere to go and the deliveries
 * page has failures to show: it checks the token, refuses a few records as an unknown employee (422,
 * rejected) and answers 503 to a few others until they have been tried twice (failed, then
 * delivered when re-sent).
 */
export async function startDemoCrm(): Promise<DemoCrm> {
  const token = randomBytes(18).toString('base64url');
  const counts: DemoCrmCounts = { accepted: 0, rejected: 0, unavailable: 0 };
  const tries = new Map<string, number>();

  const reply = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
    if (request.headers.authorization !== `Token ${token}`) {
      return reply(response, 401, { error: 'invalid token' });
    }
    let record: { user_id?: unknown; date?: unknown };
    try {
      record = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(response, 400, { error: 'body is not JSON' });
    }
    const userId = String(record.user_id ?? '');
    const date = String(record.date ?? '');
    const verdict = demoCrmVerdict(userId, date);
    if (verdict === 'reject') {
      counts.rejected += 1;
      return reply(response, 422, { error: `unknown employee ${userId}` });
    }
    const key = `${userId}/${date}`;
    const tried = (tries.get(key) ?? 0) + 1;
    tries.set(key, tried);
    if (verdict === 'busy' && tried <= BUSY_REQUESTS) {
      counts.unavailable += 1;
      return reply(response, 503, { error: 'CRM is busy, try again later' });
    }
    counts.accepted += 1;
    return reply(response, 201, { status: 'created' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/attendance/`,
    token,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
