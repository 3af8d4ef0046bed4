import { buildPayload } from '../../lib/crm/payload.js';
import {
  claimDeliveries,
  claimDelivery,
  type DeliveryClaim,
  listDeliveryPage,
  markDeliveryFailed,
  releaseDelivery,
  type SettledAttempt,
  settleDeliveryAttempt,
  settleDeliveryAttempts,
  unsettledAttemptError,
} from '../../lib/db/deliveries.js';
import { deliveryStats, listDeliveryAttempts } from '../../lib/db/deliveryReports.js';
import { insertDevice } from '../../lib/db/devices.js';
import { recordPushContact } from '../../lib/db/pushDevices.js';
import type { DeliverySelection } from '../../lib/delivery/types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDevice, type TestDevice } from '../support/devices.js';
import { addDays, dayState, manyDays, reviseDay } from './records.js';

let db: TestDatabase;
let device: TestDevice;

beforeAll(async () => {
  db = await createTestDatabase();
  device = await addDevice(db.sql, { name: 'Main Office', host: '192.168.1.100', timezone: 'Asia/Kolkata' });
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(async () => {
  await db.sql`truncate attendance_days cascade`;
});

const pending: DeliverySelection = { statuses: ['pending'] };

async function setStatus(id: number, status: string, retryRounds = 0): Promise<void> {
  await db.sql`update attendance_days set delivery_status = ${status}, retry_rounds = ${retryRounds} where id = ${id}`;
}

type Attempt = Omit<SettledAttempt, 'attemptId'> &
  Pick<DeliveryClaim, 'attempt' | 'idempotencyKey' | 'workflowId'>;

function attempt(id: number, overrides: Partial<Attempt> = {}): Attempt {
  return {
    id,
    revision: 1,
    owner: 'run-a/1',
    attempt: 1,
    idempotencyKey: `attendance-${id}-k-r1`,
    outcome: 'delivered',
    httpStatus: 201,
    error: null,
    durationMs: 12.4,
    workflowId: 'sync-to-crm',
    ...overrides,
  };
}

function claimOf(a: Attempt, leaseMs = 60_000): DeliveryClaim {
  return {
    id: a.id,
    revision: a.revision,
    statuses: ['pending', 'failed', 'rejected', 'delivered'],
    owner: a.owner,
    leaseMs,
    attempt: a.attempt,
    idempotencyKey: a.idempotencyKey,
    workflowId: a.workflowId,
  };
}

function claimFor(a: Attempt, leaseMs = 60_000) {
  return claimDelivery(db.sql, claimOf(a, leaseMs));
}

/** Claims the record (writing the attempt as sending), then settles the attempt. */
async function deliverOnce(a: Attempt): Promise<{ current: boolean }> {
  const claim = await claimFor(a);
  if (claim.kind !== 'claimed') throw new Error(`not claimed: ${claim.reason}`);
  return settleDeliveryAttempt(db.sql, { ...a, attemptId: claim.attemptId });
}

describe('listDeliveryPage', () => {
  test('pages by id through the selected statuses and filters', async () => {
    // Users U0000..U0002 on 2025-01-01..2025-01-03.
    const ids = await addDays(db.sql, manyDays(device.id, 9, 3));
    await setStatus(ids[0], 'delivered');
    await setStatus(ids[1], 'failed', 0);
    await setStatus(ids[2], 'failed', 3);
    await setStatus(ids[3], 'rejected');

    const page = (selection: DeliverySelection, afterId = 0, pageSize = 100) =>
      listDeliveryPage(db.sql, { selection, afterId, pageSize }).then((rows) => rows.map((r) => r.id));
    const table: Array<[string, DeliverySelection, number[]]> = [
      ['pending', pending, ids.slice(4)],
      ['pending and failed', { statuses: ['pending', 'failed'] }, [ids[1], ids[2], ...ids.slice(4)]],
      ['everything', { statuses: ['pending', 'failed', 'rejected', 'delivered'] }, ids],
      ['failed with rounds left', { statuses: ['failed'], retryRoundsBelow: 3 }, [ids[1]]],
      ['one user', { ...pending, userId: 'U0001' }, [ids[4], ids[7]]],
      ['date range', { ...pending, startDate: '2025-01-02', endDate: '2025-01-02' }, [ids[4], ids[5]]],
      ['from a date on', { ...pending, startDate: '2025-01-03' }, ids.slice(6)],
      ['one record', { ...pending, attendanceDayId: ids[5] }, [ids[5]]],
    ];
    for (const [name, selection, expected] of table) {
      expect({ name, ids: await page(selection) }).toEqual({ name, ids: expected });
    }
    expect(await page(pending, ids[5], 2)).toEqual([ids[6], ids[7]]);
    expect(await listDeliveryPage(db.sql, { selection: pending, afterId: 0, pageSize: 1 })).toEqual([
      { id: ids[4], revision: 1, userId: 'U0001', date: '2025-01-02' },
    ]);
  });
});

describe('claimDelivery', () => {
  test('returns the record joined with its clock-in device and zone, and takes the lease', async () => {
    const [id] = await addDays(db.sql, [
      {
        deviceId: device.id,
        userId: 'EMP001',
        date: '2025-11-11',
        clockIn: '2025-11-11T03:00:00Z',
        clockOut: null,
        timezone: 'Asia/Kolkata',
        isOutlier: true,
        outlierReason: 'Clock-in too early',
      },
    ]);
    const claim = await claimDelivery(db.sql, {
      id,
      revision: 1,
      statuses: ['pending'],
      owner: 'a',
      leaseMs: 60_000,
      attempt: 1,
      idempotencyKey: 'key-1',
      workflowId: 'sync-to-crm',
    });
    expect(claim).toEqual({
      kind: 'claimed',
      attemptId: expect.any(Number),
      closedUnsettled: 0,
      day: {
        id,
        userId: 'EMP001',
        date: '2025-11-11',
        revision: 1,
        clockIn: new Date('2025-11-11T03:00:00Z'),
        clockOut: null,
        timezone: 'Asia/Kolkata',
        isOutlier: true,
        outlierReason: 'Clock-in too early',
        deviceName: 'Main Office',
        deviceIp: '192.168.1.100',
      },
    });
    expect(await dayState(db.sql, id)).toMatchObject({ leaseOwner: 'a' });
    // Written before the POST, so a POST cut short is still in the audit.
    expect(await listDeliveryAttempts(db.sql, id)).toEqual([
      expect.objectContaining({ attempt: 1, idempotencyKey: 'key-1', outcome: 'sending', durationMs: null }),
    ]);
  });

  test("a push device's record has the address it last pushed from as device_ip, '' before that", async () => {
    const push = await insertDevice(db.sql, {
      name: 'Push Gate',
      transport: 'push',
      host: null,
      port: null,
      commKey: 0,
      timezone: 'Africa/Nairobi',
      serialNumber: 'CRMPUSH1',
    });
    const [id] = await addDays(db.sql, manyDays(push.id, 1));
    const claimed = async () => {
      const claim = await claimFor(attempt(id));
      if (claim.kind !== 'claimed') throw new Error(claim.reason);
      // What the CRM gets: the contract's device_ip is a string, never null.
      return JSON.parse(JSON.stringify(buildPayload(claim.day))) as Record<string, unknown>;
    };
    const first = await claimed();
    expect(Object.keys(first).sort()).toEqual([
      'clock_in',
      'clock_out',
      'date',
      'device_ip',
      'device_name',
      'is_outlier',
      'outlier_reason',
      'revision',
      'user_id',
    ]);
    expect(first).toMatchObject({ device_name: 'Push Gate', device_ip: '' });
    await recordPushContact(db.sql, push.id, { address: '10.40.0.7' });
    expect(await claimed()).toMatchObject({ device_name: 'Push Gate', device_ip: '10.40.0.7' });
  });

  test('one owner at a time; the same owner may take it back; a lapsed lease is free', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    const claim = (owner: string) => claimFor(attempt(id, { owner }));

    expect((await claim('a')).kind).toBe('claimed');
    expect(await claim('b')).toEqual({
      kind: 'skipped',
      reason: `record ${id} revision 1 is being delivered by another run`,
    });
    expect((await claim('a')).kind).toBe('claimed');

    await db.sql`update attendance_days set delivery_lease_until = now() - interval '1 second' where id = ${id}`;
    expect((await claim('b')).kind).toBe('claimed');
    await releaseDelivery(db.sql, { id, owner: 'a', attemptId: 0 });
    expect(await dayState(db.sql, id)).toMatchObject({ leaseOwner: 'b' });
    await releaseDelivery(db.sql, { id, owner: 'b', attemptId: 0 });
    expect(await dayState(db.sql, id)).toMatchObject({ leaseOwner: null });
  });

  test('an attempt a dead worker left sending is closed as unknown by the next delivery of the record', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    expect(await claimFor(attempt(id, { owner: 'dead-worker' }))).toMatchObject({ closedUnsettled: 0 });
    await db.sql`update attendance_days set delivery_lease_until = now() - interval '1 second' where id = ${id}`;

    const next = await claimFor(attempt(id, { owner: 'next-run', attempt: 2 }));
    expect(next).toMatchObject({ kind: 'claimed', closedUnsettled: 1 });
    if (next.kind !== 'claimed') return;
    await settleDeliveryAttempt(db.sql, { ...attempt(id, { owner: 'next-run' }), attemptId: next.attemptId });

    expect(await listDeliveryAttempts(db.sql, id)).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'unknown',
        error: unsettledAttemptError,
        durationMs: null,
      }),
      expect.objectContaining({ attempt: 2, outcome: 'delivered', httpStatus: 201, durationMs: 12 }),
    ]);
    expect(await dayState(db.sql, id)).toMatchObject({ status: 'delivered', leaseOwner: null });
  });

  test('a delivery stopped before its POST leaves no attempt and frees the record', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    const claim = await claimFor(attempt(id));
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await releaseDelivery(db.sql, { id, owner: 'run-a/1', attemptId: claim.attemptId });
    expect(await listDeliveryAttempts(db.sql, id)).toEqual([]);
    expect(await dayState(db.sql, id)).toMatchObject({ status: 'pending', leaseOwner: null });
  });

  test.each([
    ['revised', async (id: number) => void (await reviseDay(db.sql, id)), /was revised \(revision 1 -> 2\)/],
    ['delivered meanwhile', (id: number) => setStatus(id, 'delivered'), /revision 1 is already delivered/],
    [
      'deleted',
      async (id: number) => void (await db.sql`delete from attendance_days where id = ${id}`),
      /no longer exists/,
    ],
  ])('says why it passes over a record that was %s', async (_name, change, reason) => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    await change(id);
    const claim = await claimDelivery(db.sql, {
      ...attempt(id, { owner: 'a' }),
      statuses: ['pending'],
      leaseMs: 1000,
    });
    expect(claim).toEqual({ kind: 'skipped', reason: expect.stringMatching(reason) });
    expect(await listDeliveryAttempts(db.sql, id)).toEqual([]);
  });
});

describe('settleDeliveryAttempt', () => {
  test('marks delivered, counts the attempt, stores the audit row and gives the lease back', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    expect(await deliverOnce(attempt(id))).toEqual({ current: true });

    expect(await dayState(db.sql, id)).toMatchObject({
      status: 'delivered',
      deliveredRevision: 1,
      deliveredAt: expect.any(Date),
      syncAttempts: 1,
      lastSyncAttempt: expect.any(Date),
      lastSyncError: null,
      leaseOwner: null,
    });
    expect(await listDeliveryAttempts(db.sql, id)).toEqual([
      {
        id: expect.any(Number),
        attendanceDayId: id,
        revision: 1,
        attempt: 1,
        idempotencyKey: `attendance-${id}-k-r1`,
        attemptedAt: expect.any(Date),
        durationMs: 12,
        outcome: 'delivered',
        httpStatus: 201,
        error: null,
        workflowId: 'sync-to-crm',
      },
    ]);
  });

  test('a record revised during the POST keeps its new revision pending and its counters', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    const claim = await claimFor(attempt(id));
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await reviseDay(db.sql, id);
    expect(await settleDeliveryAttempt(db.sql, { ...attempt(id), attemptId: claim.attemptId })).toEqual({
      current: false,
    });

    expect(await dayState(db.sql, id)).toMatchObject({
      revision: 2,
      status: 'pending',
      deliveredRevision: null,
      syncAttempts: 0,
      lastSyncAttempt: null,
      leaseOwner: null,
    });
    expect(await listDeliveryAttempts(db.sql, id)).toEqual([
      expect.objectContaining({ revision: 1, outcome: 'delivered' }),
    ]);
  });

  test('a transient attempt keeps the status and stores the error; a rejection rejects', async () => {
    const [a, b] = await addDays(db.sql, manyDays(device.id, 2));
    await deliverOnce(attempt(a, { outcome: 'transient', httpStatus: 503, error: 'CRM answered 503' }));
    await deliverOnce(attempt(b, { outcome: 'rejected', httpStatus: 422, error: 'CRM rejected 422' }));

    expect(await dayState(db.sql, a)).toMatchObject({
      status: 'pending',
      syncAttempts: 1,
      lastSyncError: 'CRM answered 503',
    });
    expect(await dayState(db.sql, b)).toMatchObject({
      status: 'rejected',
      syncAttempts: 1,
      lastSyncError: 'CRM rejected 422',
    });
  });

  test('a forced re-send the CRM refuses leaves a delivered record delivered', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    await deliverOnce(attempt(id));
    await deliverOnce(attempt(id, { outcome: 'rejected', httpStatus: 409, error: 'duplicate' }));
    expect(await dayState(db.sql, id)).toMatchObject({
      status: 'delivered',
      deliveredRevision: 1,
      syncAttempts: 2,
    });
  });
});

describe('several records in one statement', () => {
  test('each claim of a batch ends as it would alone, in the order given', async () => {
    const [free, revised, unsettled] = await addDays(db.sql, manyDays(device.id, 3));
    await reviseDay(db.sql, revised);
    // An attempt of this owner's left `sending`, as by a worker that died during its POST.
    await claimFor(attempt(unsettled, { owner: 'run-b/1' }));

    const results = await claimDeliveries(db.sql, [
      claimOf(attempt(free)),
      claimOf(attempt(revised)),
      claimOf(attempt(free, { owner: 'run-c/1' })),
      claimOf(attempt(unsettled, { owner: 'run-b/1', attempt: 2 })),
    ]);

    expect(results).toEqual([
      expect.objectContaining({
        kind: 'claimed',
        day: expect.objectContaining({ id: free }),
        closedUnsettled: 0,
      }),
      { kind: 'skipped', reason: expect.stringMatching(/was revised \(revision 1 -> 2\)/) },
      { kind: 'skipped', reason: expect.stringMatching(/being delivered by another run/) },
      expect.objectContaining({
        kind: 'claimed',
        day: expect.objectContaining({ id: unsettled }),
        closedUnsettled: 1,
      }),
    ]);
    expect(await dayState(db.sql, free)).toMatchObject({ leaseOwner: 'run-a/1' });
    expect((await listDeliveryAttempts(db.sql, free)).map((a) => a.outcome)).toEqual(['sending']);
    expect(await listDeliveryAttempts(db.sql, unsettled)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ attempt: 1, outcome: 'unknown' }),
        expect.objectContaining({ attempt: 2, outcome: 'sending' }),
      ]),
    );
    const [first, , , last] = results;
    if (first.kind !== 'claimed' || last.kind !== 'claimed') throw new Error('not claimed');
    expect(first.attemptId).not.toBe(last.attemptId);
  });

  test('each settle of a batch ends as it would alone', async () => {
    const [a, b, c, revised] = await addDays(db.sql, manyDays(device.id, 4));
    const claims = await claimDeliveries(
      db.sql,
      [a, b, c, revised].map((id) => claimOf(attempt(id))),
    );
    const attemptIds = claims.map((claim) => {
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      return claim.attemptId;
    });
    await reviseDay(db.sql, revised);

    const results = await settleDeliveryAttempts(db.sql, [
      { ...attempt(a), attemptId: attemptIds[0] },
      {
        ...attempt(b, { outcome: 'transient', httpStatus: 503, error: 'CRM answered 503' }),
        attemptId: attemptIds[1],
      },
      {
        ...attempt(c, { outcome: 'rejected', httpStatus: 422, error: 'CRM rejected 422' }),
        attemptId: attemptIds[2],
      },
      { ...attempt(revised), attemptId: attemptIds[3] },
    ]);

    expect(results).toEqual([{ current: true }, { current: true }, { current: true }, { current: false }]);
    expect(await dayState(db.sql, a)).toMatchObject({
      status: 'delivered',
      deliveredRevision: 1,
      syncAttempts: 1,
    });
    expect(await dayState(db.sql, b)).toMatchObject({ status: 'pending', lastSyncError: 'CRM answered 503' });
    expect(await dayState(db.sql, c)).toMatchObject({
      status: 'rejected',
      lastSyncError: 'CRM rejected 422',
    });
    expect(await dayState(db.sql, revised)).toMatchObject({
      status: 'pending',
      revision: 2,
      syncAttempts: 0,
    });
    for (const id of [a, b, c, revised])
      expect(await dayState(db.sql, id)).toMatchObject({ leaseOwner: null });
    const outcomes = await Promise.all([a, b, c, revised].map((id) => listDeliveryAttempts(db.sql, id)));
    expect(outcomes.map((rows) => rows.map((row) => [row.outcome, row.httpStatus]))).toEqual([
      [['delivered', 201]],
      [['transient', 503]],
      [['rejected', 422]],
      [['delivered', 201]],
    ]);
  });
});

describe('markDeliveryFailed', () => {
  test('marks the revision failed, counting retry rounds when asked', async () => {
    const [id] = await addDays(db.sql, manyDays(device.id, 1));
    expect(
      await markDeliveryFailed(db.sql, { id, revision: 1, error: 'CRM answered 503', countRound: false }),
    ).toBe(true);
    expect(await dayState(db.sql, id)).toMatchObject({
      status: 'failed',
      retryRounds: 0,
      lastSyncError: 'CRM answered 503',
      lastSyncAttempt: expect.any(Date),
    });
    await markDeliveryFailed(db.sql, { id, revision: 1, error: 'again', countRound: true });
    expect(await dayState(db.sql, id)).toMatchObject({
      status: 'failed',
      retryRounds: 1,
      lastSyncError: 'again',
    });
  });

  test('leaves a delivered record and a newer revision alone', async () => {
    const [delivered, revised] = await addDays(db.sql, manyDays(device.id, 2));
    await deliverOnce(attempt(delivered));
    await reviseDay(db.sql, revised);

    expect(
      await markDeliveryFailed(db.sql, { id: delivered, revision: 1, error: 'x', countRound: false }),
    ).toBe(false);
    expect(
      await markDeliveryFailed(db.sql, { id: revised, revision: 1, error: 'x', countRound: false }),
    ).toBe(false);
    expect(await dayState(db.sql, delivered)).toMatchObject({ status: 'delivered' });
    expect(await dayState(db.sql, revised)).toMatchObject({ status: 'pending', revision: 2 });
  });
});

describe('deliveryStats', () => {
  test('counts a record synced when the CRM has its current revision', async () => {
    expect(await deliveryStats(db.sql)).toEqual({
      total: 0,
      synced: 0,
      unsynced: 0,
      failed: 0,
      sync_percentage: 0,
      pending: 0,
      rejected: 0,
    });
    const ids = await addDays(db.sql, manyDays(device.id, 6));
    for (const id of ids.slice(0, 3)) await deliverOnce(attempt(id));
    await reviseDay(db.sql, ids[2]); // delivered before, its correction is not
    await setStatus(ids[3], 'failed');
    await setStatus(ids[4], 'rejected');

    expect(await deliveryStats(db.sql)).toEqual({
      total: 6,
      synced: 2,
      unsynced: 4,
      failed: 2,
      sync_percentage: 33.33,
      pending: 2,
      rejected: 1,
    });
  });
});
