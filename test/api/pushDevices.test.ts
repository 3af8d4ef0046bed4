import { completeCommand, takeQueuedCommands } from '../../lib/db/pushCommands.js';
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

test('a command the device took and never answered shows as expired after the timeout; a late result still counts', async () => {
  const device = (
    await api.call('POST', '/api/devices/', {
      body: { name: 'Mute', transport: 'push', serial_number: 'MUTE1' },
    })
  ).body as Body;
  const id = Number(device.id);
  const queued = (await api.call('POST', `/api/devices/${id}/commands/`, { body: { command: 'REBOOT' } }))
    .body as Body;
  const status = async () =>
    ((await api.call('GET', `/api/devices/${id}/commands/`)).body as Body[]).map((c) => c.status);
  // What the receiver does on the device's getrequest.
  expect(await takeQueuedCommands(api.db.sql, id, 20)).toEqual([{ id: queued.id, command: 'REBOOT' }]);
  expect(await status()).toEqual(['sent']);
  await api.db
    .sql`update push_commands set sent_at = now() - interval '59 minutes' where id = ${Number(queued.id)}`;
  expect(await status()).toEqual(['sent']);
  await api.db
    .sql`update push_commands set sent_at = now() - interval '61 minutes' where id = ${Number(queued.id)}`;
  expect(await status()).toEqual(['expired']);
  // Never handed out again.
  expect(await takeQueuedCommands(api.db.sql, id, 20)).toEqual([]);
  expect(await completeCommand(api.db.sql, id, { id: Number(queued.id), returnCode: 0, detail: '' })).toBe(
    true,
  );
  expect((await api.call('GET', `/api/devices/${id}/commands/`)).body).toEqual([
    expect.objectContaining({ status: 'done', return_code: 0, outcome: 'ok' }),
  ]);
});
