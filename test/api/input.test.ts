import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Config } from '../../lib/config.js';
import { type BridgeSchedule, bridgeSchedules, ensureSchedules } from '../../worker/schedules.js';
import { type ApiHarness, startApiHarness } from './harness.js';

// What a request may carry. An empty JSON body where the body is optional is `{}`, as the original
// (Django REST framework) took it; a malformed one is still 400. Text that is not valid Unicode (a
// lone UTF-16 surrogate, bytes that are not UTF-8) never reaches PostgreSQL or Temporal: 400 naming
// the field, wherever it is sent, while real Unicode (accents, scripts, emoji) goes through.

type Body = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query' }[];
  bodyFields: string[] | null;
}

// Schedule ids are unique in the namespace every test file shares, so this file's carry a suffix.
const suffix = randomBytes(3).toString('hex');
const ours = (config: Config): BridgeSchedule[] =>
  bridgeSchedules(config).map((schedule) => ({ ...schedule, id: `${schedule.id}-${suffix}` }));
const pollSchedule = `bridge-poll-devices-${suffix}`;

let api: ApiHarness;
let operations: Operation[];

beforeAll(async () => {
  api = await startApiHarness({ workers: true, schedules: ours });
  await ensureSchedules(api.temporal, api.config, ours(api.config));
  type Doc = {
    paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: unknown }>>;
    components: { schemas: Record<string, { properties?: Body }> };
  };
  const doc = (await api.call('GET', '/api/schema/')).body as Doc;
  operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const body = op.requestBody as
          | { content: { 'application/json': { schema: { $ref?: string; properties?: Body } } } }
          | undefined;
        let schema = body?.content['application/json'].schema;
        if (schema?.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop() as string];
        return {
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          bodyFields: body ? Object.keys(schema?.properties ?? {}) : null,
        };
      }),
    );
}, 120_000);
afterAll(async () => {
  for (const schedule of ours(api.config)) {
    await api?.temporal.schedule
      .getHandle(schedule.id)
      .delete()
      .catch(() => {});
  }
  await api?.close();
});

describe('an empty body with Content-Type: application/json', () => {
  test('is {} where the body is optional: process now', async () => {
    const response = await api.call('POST', '/api/processed-attendance/process/?wait=60', { rawBody: '' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total_records: 0, processed: 0, failed: 0 });
  });

  test('is {} where the body is optional: pause and unpause keep their default notes', async () => {
    const paused = await api.call('POST', `/api/schedules/${pollSchedule}/pause/`, { rawBody: '' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note: 'Paused through the API' });
    const resumed = await api.call('POST', `/api/schedules/${pollSchedule}/unpause/`, { rawBody: '' });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ paused: false, note: 'Unpaused through the API' });
  });

  test('is ignored by a trigger that takes no body', async () => {
    const response = await api.call('POST', '/api/processed-attendance/sync/?wait=60', { rawBody: '' });
    expect(response.status).toBe(200);
  });

  test.each([
    ['a malformed body where it is optional', '/api/processed-attendance/process/', '{'],
    ['blanks where it is optional', '/api/processed-attendance/process/', '  '],
    ['an empty body where it is required', '/api/devices/', ''],
  ])('%s is still 400', async (_, path, rawBody) => {
    const response = await api.call('POST', path, { rawBody });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'Malformed JSON in request body' });
  });
});

/** Text with one lone UTF-16 surrogate somewhere in it (graphemes are whole code points, so it stays lone). */
const withLoneSurrogate = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  )
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`);

/**
 * Percent-encoding as a lax encoder writes a lone surrogate (its three "UTF-8" bytes, e.g. %ED%A0%80),
 * which `encodeURIComponent` refuses to produce.
 */
function percentEncodeLoosely(text: string): string {
  return [...text]
    .map((char) => {
      const unit = char.charCodeAt(0);
      if (char.length > 1 || unit < 0xd800 || unit > 0xdfff) return encodeURIComponent(char);
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      return bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    })
    .join('');
}

const UNICODE_ERROR = /must be valid Unicode text/;

describe('text that is not valid Unicode', () => {
  test('every path parameter, query parameter and body field of every operation: 400 naming it', async () => {
    const fields = operations.flatMap((op) => [
      ...op.parameters.map((p) => ({ op, in: p.in, name: p.name })),
      ...(op.bodyFields ?? []).map((name) => ({ op, in: 'body' as const, name })),
    ]);
    expect(fields.filter((field) => field.in === 'body').map((f) => f.name)).toEqual(
      expect.arrayContaining(['name', 'ip_address', 'timezone', 'task_queue', 'note', 'start_date']),
    );
    for (const field of fields) {
      await fc.assert(
        fc.asyncProperty(withLoneSurrogate, async (text) => {
          const { op } = field;
          let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
            field.in === 'path' && name === field.name ? percentEncodeLoosely(text) : '1',
          );
          if (field.in === 'query') path += `?${field.name}=${percentEncodeLoosely(text)}`;
          const response = await api.call(op.method, path, {
            ...(field.in === 'body' ? { body: { [field.name]: text } } : {}),
          });
          const where = `${op.method} ${op.path} ${field.in} ${field.name} -> ${response.status} ${response.text}`;
          if (response.status !== 400) throw new Error(`not 400: ${where}`);
          const error = String((response.body as Body).error);
          const named = field.in === 'path' ? 'path' : field.name;
          if (!UNICODE_ERROR.test(error) || !error.startsWith(`${named}: `)) {
            throw new Error(`not the reason: ${where}`);
          }
        }),
        { numRuns: 5 },
      );
    }
  }, 120_000);

  test('a field name with a lone surrogate, and one deep in a value, are refused as well', async () => {
    const name = await api.call('POST', `/api/schedules/${pollSchedule}/pause/`, { body: { '\ud83d': 'x' } });
    expect(name.status).toBe(400);
    expect((name.body as Body).error).toMatch(/^body: a field name must be valid Unicode text/);
    const deep = await api.call('PATCH', '/api/devices/1/', { body: { name: ['ok', { a: 'b\udc00' }] } });
    expect(deep.status).toBe(400);
    expect((deep.body as Body).error).toMatch(/^name\.1\.a: must be valid Unicode text/);
  });

  test('a body whose bytes are not UTF-8 is refused, before anything reads it as text', async () => {
    const bytes = new Uint8Array([...Buffer.from('{"name": "Gate '), 0xff, 0xfe, ...Buffer.from('"}')]);
    const response = await api.app.request('http://bridge.test/api/devices/', {
      method: 'POST',
      headers: { authorization: `Token ${api.token}`, 'content-type': 'application/json' },
      body: bytes,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'body: must be valid Unicode text (bytes that are not UTF-8)',
    });
  });

  test('a lone surrogate in a pause note was a 500 from Temporal; now nothing changes', async () => {
    const response = await api.call('POST', `/api/schedules/${pollSchedule}/pause/`, {
      body: { note: 'maintenance \ud800' },
    });
    expect(response.status).toBe(400);
    expect((await api.temporal.schedule.getHandle(pollSchedule).describe()).state.paused).toBe(false);
  });
});

describe('real Unicode goes through', () => {
  test('accents, other scripts and emoji in a note and a device name are kept as sent', async () => {
    const note = 'Wartung 🛠️ — café, 東京, עברית';
    const paused = await api.call('POST', `/api/schedules/${pollSchedule}/pause/`, { body: { note } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note });
    expect((await api.call('POST', `/api/schedules/${pollSchedule}/unpause/`)).status).toBe(200);

    const name = 'Ворота 🚪 Ōsaka';
    const created = await api.call('POST', '/api/devices/', { body: { name, ip_address: '10.0.0.9' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name });
    const filtered = await api.call(
      'GET',
      `/api/raw-attendance/?user_id=${encodeURIComponent('Ōsaka-7 🙂')}`,
    );
    expect(filtered.status).toBe(200);
  });
});
