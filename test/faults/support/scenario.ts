import type { WorkflowHandle } from '@temporalio/client';
import { type Config, parseConfig } from '../../../lib/config.js';
import { insertDevice } from '../../../lib/db/devices.js';
import { DeviceSimulator } from '../../../lib/zk/simulator/index.js';
import { bridgeSchedules } from '../../../worker/schedules.js';
import { COMM_KEY, CRM_TOKEN, FaultBridge } from './bridge.js';
import { type ChaoticCrm, startChaoticCrm } from './chaoticCrm.js';
import { startBrokenDevice } from './devices.js';
import { type FaultServices, startFaultServices } from './services.js';
import { type PolledTerminal, runningWorkflows, settledState } from './settled.js';

export const ZONE = 'Africa/Nairobi';
/** `npm run test:faults` sets FAULTS_FULL=1: the scale; `npm test` runs a small one. */
export const FULL = process.env.FAULTS_FULL === '1';
export const scale = FULL
  ? { devices: 20, punches: 5_000, users: 20 }
  : { devices: 3, punches: 400, users: 2 };
/**
 * Records a sync scenario delivers: the full variant's 20 terminals give ~51,000, which a chaotic CRM
 * on a loaded machine takes close to an hour to take in, so its syncs take the latest days holding
 * about this many (docs/RELIABILITY.md). The small variant delivers all it has.
 */
const syncRecords = FULL ? 5_000 : Number.POSITIVE_INFINITY;

/** The dates a sync scenario delivers, inclusive. */
export interface SyncDates {
  startDate: string;
  endDate: string;
}

export interface Scenario {
  services: FaultServices;
  bridge: FaultBridge;
  crm: ChaoticCrm;
  config: Config;
  devices: PolledTerminal[];
  brokenIds: { silent: number; garbage: number };
  start(workflowType: string, id: string, input?: unknown): Promise<WorkflowHandle>;
  /** The latest dates holding about `syncRecords` records: the scope of a sync scenario. */
  syncDates(): Promise<SyncDates>;
  /** `dates`: the delivery checks cover only the records of these dates. */
  settled(dates?: SyncDates): ReturnType<typeof settledState>;
  /** Terminates what still runs (a scenario that gave up), so the next one starts on a still database. */
  terminateRunning(): Promise<string[]>;
  stop(): Promise<void>;
}

const workflowInput = (config: Config, type: string) =>
  bridgeSchedules(config).find((s) => s.workflowType === type)?.args[0];

/**
 * One scenario's world: its own PostgreSQL and Temporal, `scale.devices` simulated terminals (one
 * with a comm key, each dropping the connection at a seeded chunk of its transfer), a silent and a
 * garbage-answering terminal, the chaotic CRM, one worker and one API process.
 */
export async function startScenario(seed: number): Promise<Scenario> {
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const services = await startFaultServices();
    closers.push(() => services.stop());
    const crm = await startChaoticCrm({ seed, faultRate: 0.2, token: CRM_TOKEN, stallMs: 2_500 });
    closers.push(() => crm.close());
    const settings = {
      TIME_ZONE: ZONE,
      CRM_API_URL: crm.server.url,
      CRM_REQUEST_TIMEOUT: '2',
      CRM_MAX_RETRIES: '3',
      CRM_SYNC_CONCURRENCY: '16',
      DEVICE_CONNECT_TIMEOUT_MS: '1000',
      DEVICE_REQUEST_TIMEOUT_MS: '2000',
    };
    const config = parseConfig(settings);
    const bridge = await FaultBridge.start(services, settings);
    closers.push(() => bridge.stop());
    await bridge.startWorker();
    await bridge.startApi();

    const devices: Scenario['devices'] = [];
    for (let i = 0; i < scale.devices; i++) {
      const commKey = i === 0 ? COMM_KEY : 0;
      const simulator = await DeviceSimulator.start({
        seed: seed * 100 + i,
        timezone: ZONE,
        users: scale.users,
        punches: scale.punches,
        commKey,
        writeMode: i % 3 === 1 ? 'fragmented' : i % 3 === 2 ? 'separate' : 'coalesced',
        // One device sends its packets apart and slowly, so a small log's download still lasts the
        // second or two a scenario needs to act while it is under way.
        writeDelayMs: i % 3 === 2 ? (FULL ? 1 : 100) : undefined,
        // The connection cut inside a chunk of the transfer, once: the poll's next attempt reads it all.
        dropAtChunk: { chunk: FULL ? 1 + (i % 2) : 1, times: 1 },
        log: () => {},
      });
      closers.push(() => simulator.close());
      const row = await insertDevice(bridge.sql, {
        name: `Terminal ${i + 1}`,
        host: '127.0.0.1',
        port: simulator.port,
        commKey,
        timezone: ZONE,
      });
      devices.push({ id: row.id, simulator, cleared: [] });
    }
    const silent = await startBrokenDevice('silent');
    const garbage = await startBrokenDevice('garbage');
    closers.push(silent.close, garbage.close);
    const add = (name: string, port: number) =>
      insertDevice(bridge.sql, { name, host: '127.0.0.1', port, commKey: 0, timezone: ZONE }).then(
        (d) => d.id,
      );
    const brokenIds = {
      silent: await add('Silent', silent.port),
      garbage: await add('Garbage', garbage.port),
    };

    return {
      services,
      bridge,
      crm,
      config,
      devices,
      brokenIds,
      start: (workflowType, id, input) =>
        bridge.client.workflow.start(workflowType, {
          workflowId: id,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [input ?? workflowInput(config, workflowType)],
        }),
      syncDates: async () => {
        const perDate = await bridge.sql<Array<{ date: string; n: number }>>`
          select to_char(date, 'YYYY-MM-DD') as date, count(*)::int as n from attendance_days
          group by date order by date desc`;
        let held = 0;
        const taken = perDate.filter((day) => {
          const take = held < syncRecords;
          held += day.n;
          return take;
        });
        return { startDate: taken.at(-1)?.date ?? '1970-01-01', endDate: taken[0]?.date ?? '1970-01-01' };
      },
      settled: (dates) =>
        settledState({
          sql: bridge.sql,
          client: bridge.client,
          config,
          devices,
          crm: crm.store,
          posts: crm.server.requests.filter((r) => r.method === 'POST').length,
          ...(dates ? { dates } : {}),
        }),
      terminateRunning: async () => {
        const running = (await runningWorkflows(bridge.client)).map((w) => w.workflowId);
        for (const id of running) {
          // A child closes with its parent, so some of these are gone by their turn.
          await bridge.client.workflow
            .getHandle(id)
            .terminate('the scenario gave up')
            .catch(() => {});
        }
        return running;
      },
      stop: async () => {
        for (const close of closers.reverse()) await close().catch(() => {});
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw error;
  }
}

/** What every scenario must end in: exactly what a fault-free run of the same input gives. */
export const faultFreeOutcome = {
  doubledPunches: 0,
  missingPunches: 0,
  unexpectedPunches: 0,
  recordsUnlikeFaultFree: 0,
  undelivered: {},
  doubledAtCrm: 0,
  missingAtCrm: 0,
  runningWorkflows: [],
};

/** After each test: a scenario that gave up leaves nothing running to change the records under the next one. */
export async function terminateLeftRunning(
  scenario: { terminateRunning(): Promise<string[]> } | undefined,
): Promise<void> {
  const terminated = (await scenario?.terminateRunning()) ?? [];
  if (terminated.length > 0) process.stderr.write(`terminated after the test: ${terminated.join(', ')}\n`);
}
