import type { WorkflowHandle } from '@temporalio/client';
import { type Config, parseConfig } from '../../../lib/config.js';
import { insertDevice } from '../../../lib/db/devices.js';
import { DeviceSimulator } from '../../../lib/zk/simulator/index.js';
import { bridgeSchedules } from '../../../worker/schedules.js';
import { COMM_KEY, CRM_TOKEN, FaultBridge } from './bridge.js';
import { type ChaoticCrm, startChaoticCrm } from './chaoticCrm.js';
import { startBrokenDevice } from './devices.js';
import { type FaultServices, startFaultServices } from './services.js';
import { type PolledTerminal, settledState } from './settled.js';

export const ZONE = 'Africa/Nairobi';
/** `npm run test:faults` sets FAULTS_FULL=1: the scale; `npm test` runs a small one. */
export const FULL = process.env.FAULTS_FULL === '1';
export const scale = FULL
  ? { devices: 20, punches: 5_000, users: 20 }
  : { devices: 3, punches: 400, users: 2 };

export interface Scenario {
  services: FaultServices;
  bridge: FaultBridge;
  crm: ChaoticCrm;
  config: Config;
  devices: PolledTerminal[];
  brokenIds: { silent: number; garbage: number };
  start(workflowType: string, id: string, input?: unknown): Promise<WorkflowHandle>;
  settled(): ReturnType<typeof settledState>;
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
        writeMode: i % 3 === 1 ? 'fragmented' : 'coalesced',
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
      settled: () =>
        settledState({
          sql: bridge.sql,
          client: bridge.client,
          config,
          devices,
          crm: crm.store,
          posts: crm.server.requests.filter((r) => r.method === 'POST').length,
        }),
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
