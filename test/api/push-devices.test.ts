import { recordUnregistered } from '../../lib/db/pushDevices.js';
import { type ApiHarness, startApiHarness } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

type Body = Record<string, unknown>;

test('a push device is added with a serial and no address; its push key never comes back', async () => {
  const created = await api.call('POST', '/api/devices/', {
    body: {
      name: 'Gate',
      transport: 'push',
      serial_number: 'CQZ100',
      timezone: 'Africa/Nairobi',
      push_key: 'k3y',
    },
  });
  expect(created.status).toBe(201);
  const device = created.body as Body;
  expect(device).toMatchObject({ transport: 'push', serial_number: 'CQZ100', ip_address: null, port: null });
  expect(device.push).toMatchObject({ has_push_key: true, pending_commands: 0, last_contact: null });
  expect(created.text).not.toContain('k3y');

  const again = await api.call('POST', '/api/devices/', {
    body: { name: 'Twin', transport: 'push', serial_number: 'CQZ100' },
  });
  expect(again.status).toBe(400);
  expect((again.body as Body).error).toMatch(/serial_number: device \d+ already has serial number CQZ100/);
  const missing = await api.call('POST', '/api/devices/', { body: { name: 'X', transport: 'push' } });
  expect(missing.status).toBe(400);
  const pullWithout = await api.call('POST', '/api/devices/', { body: { name: 'X' } });
  expect(pullWithout.status).toBe(400);
  const poll = await api.call('POST', `/api/devices/${device.id}/poll/`);
  expect(poll.status).toBe(400);
});

test('commands are queued for push devices only, validated, and listed with their state', async () => {
  const push = (
    await api.call('POST', '/api/devices/', {
      body: { name: 'Cmd', transport: 'push', serial_number: 'CMDAPI1' },
    })
  ).body as Body;
  const pull = (await api.call('POST', '/api/devices/', { body: { name: 'Pull', ip_address: '10.9.9.9' } }))
    .body as Body;
  const queued = await api.call('POST', `/api/devices/${push.id}/commands/`, {
    body: {
      command: 'DATA QUERY ATTLOG',
      start_time: '2025-11-01 00:00:00',
      end_time: '2025-11-02 00:00:00',
    },
  });
  expect(queued.status).toBe(201);
  expect(queued.body).toMatchObject({
    status: 'queued',
    command: expect.stringContaining('StartTime=2025-11-01'),
  });
  expect(
    (await api.call('POST', `/api/devices/${push.id}/commands/`, { body: { command: 'FORMAT' } })).status,
  ).toBe(400);
  expect(
    (await api.call('POST', `/api/devices/${pull.id}/commands/`, { body: { command: 'INFO' } })).status,
  ).toBe(400);
  const list = await api.call('GET', `/api/devices/${push.id}/commands/`);
  expect(list.body).toHaveLength(1);
  const device = (await api.call('GET', `/api/devices/${push.id}/`)).body as Body;
  expect(device.push).toMatchObject({ pending_commands: 1 });
});

test('an unregistered serial is listed and adopted with one call', async () => {
  await recordUnregistered(api.db.sql, { serialNumber: 'NEWONE1', address: '10.0.0.7', records: 12 });
  const listed = await api.call('GET', '/api/devices/unregistered/');
  expect(listed.body).toEqual([
    expect.objectContaining({ serial_number: 'NEWONE1', address: '10.0.0.7', record_count: 12 }),
  ]);
  const adopted = await api.call('POST', '/api/devices/adopt/', {
    body: { serial_number: 'NEWONE1', name: 'Annex' },
  });
  expect(adopted.status).toBe(201);
  expect(adopted.body).toMatchObject({ name: 'Annex', transport: 'push', serial_number: 'NEWONE1' });
  expect((await api.call('GET', '/api/devices/unregistered/')).body).toEqual([]);
  expect((await api.call('POST', '/api/devices/adopt/', { body: { serial_number: 'NOSUCH' } })).status).toBe(
    404,
  );
});
