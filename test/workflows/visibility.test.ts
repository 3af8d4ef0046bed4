import { Client, Connection } from '@temporalio/client';
import { startOrAttach } from '../../api/common/workflows.js';
import { requireSearchAttributes } from '../../runtime/searchAttributes.js';
import {
  manualProcessStart,
  pollDeviceStart,
  syncStart,
  type WorkflowStart,
} from '../../workflows/starts.js';
import { createTestNamespace } from '../cli/support.js';
import { connectTestClient, testConfig, testTemporalAddress } from '../support/temporal.js';

let client: Client;
let close: () => Promise<void>;
const started: string[] = [];
// No worker serves this queue: the runs stay open, so their start options are all there is to read.
const config = testConfig();
const prefix = `visibility-${Math.random().toString(36).slice(2, 8)}/`;

beforeAll(async () => {
  ({ client, close } = await connectTestClient());
});
afterAll(async () => {
  for (const id of started) {
    await client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => {});
  }
  await close();
});

async function start(run: WorkflowStart): Promise<string> {
  const outcome = await startOrAttach(client, run, { waitMs: 0, idPrefix: prefix });
  started.push(outcome.workflowId);
  return outcome.workflowId;
}

/** Visibility is updated after the start returns: look until the run shows, a bounded number of times. */
async function listIds(query: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  for (let look = 0; look < 50; look += 1) {
    ids = [];
    for await (const run of client.workflow.list({ query })) ids.push(run.workflowId);
    if (ids.length >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return ids.sort();
}

test('a poll is found by its device id and reads as "poll device N (name)"', async () => {
  const deviceId = 700_000 + Math.floor(Math.random() * 100_000);
  const id = await start(pollDeviceStart(config, { id: deviceId, name: 'Gate A', taskQueue: null }));
  const other = await start(pollDeviceStart(config, { id: deviceId + 1, name: 'Gate B', taskQueue: null }));

  expect(await listIds(`BridgeDeviceId = ${deviceId}`, 1)).toEqual([id]);
  expect(await listIds(`BridgeDeviceId = ${deviceId + 1}`, 1)).toEqual([other]);
  const description = await client.workflow.getHandle(id).describe();
  expect(await description.staticSummary()).toBe(`poll device ${deviceId} (Gate A)`);
  expect(description.typedSearchAttributes.get({ name: 'BridgeDeviceId', type: 'INT' })).toBe(deviceId);
});

test('a sync and a rebuild are found by the days they cover', async () => {
  const sync = await start(syncStart(config, 'manual', { startDate: '2031-03-01', endDate: '2031-03-03' }));
  const rebuild = await start(manualProcessStart(config, { startDate: '2031-03-02', endDate: '2031-03-02' }));
  const elsewhere = await start(
    syncStart(config, 'scheduled', { startDate: '2031-04-01', endDate: '2031-04-05' }),
  );

  const covers = async (id: string, day: string) =>
    (await listIds(`WorkflowId = "${id}" AND ${covering(day)}`, 1)).includes(id);
  const covering = (day: string) =>
    `BridgeDateFrom <= "${day}T12:00:00Z" AND BridgeDateTo >= "${day}T12:00:00Z"`;
  expect(await covers(sync, '2031-03-02')).toBe(true);
  expect(await covers(rebuild, '2031-03-02')).toBe(true);
  expect(await covers(sync, '2031-03-03')).toBe(true);
  expect(await covers(rebuild, '2031-03-03')).toBe(false);
  expect(await covers(sync, '2031-04-02')).toBe(false);
  expect(await covers(elsewhere, '2031-04-02')).toBe(true);
  expect(await covers(elsewhere, '2031-03-02')).toBe(false);

  const read = async (id: string) => (await client.workflow.getHandle(id).describe()).staticSummary();
  expect(await read(sync)).toBe('sync 2031-03-01 .. 2031-03-03');
  expect(await read(rebuild)).toBe('rebuild 2031-03-02');
});

test('start-up names the search attributes a namespace lacks and the commands that create them', async () => {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    // A namespace made by hand, without the attributes the local server creates.
    const bare = `bare-${Math.random().toString(36).slice(2, 8)}`;
    await connection.workflowService.registerNamespace({
      namespace: bare,
      workflowExecutionRetentionPeriod: { seconds: 86_400 } as never,
    });
    const failure = requireSearchAttributes(new Client({ connection, namespace: bare }), bare);
    await expect(failure).rejects.toThrow(
      `The Temporal namespace "${bare}" lacks the search attributes BridgeDeviceId (Int), BridgeDateFrom (Datetime), BridgeDateTo (Datetime)`,
    );
    await expect(failure).rejects.toThrow(
      `temporal operator search-attribute create --namespace ${bare} --name BridgeDeviceId --type Int`,
    );

    const prepared = await createTestNamespace();
    await expect(
      requireSearchAttributes(new Client({ connection, namespace: prepared }), prepared),
    ).resolves.toBeUndefined();
  } finally {
    await connection.close();
  }
});
