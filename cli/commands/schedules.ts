import {
  type Client,
  type ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { type BridgeSchedule, bridgeSchedules } from '../../worker/schedules.js';
import { formatTable, formatWhen } from '../format.js';
import { parseOptions, UsageError, withUsage } from '../options.js';
import { withTemporal } from '../temporal.js';

const HELP = `Usage:
  attendance-bridge schedules list                             id, state, next and last run of each schedule
  attendance-bridge schedules trigger --id ID                  start one run now (the overlap policy still holds)
  attendance-bridge schedules pause [--id ID] [--note TEXT]    pause one schedule, or all of them
  attendance-bridge schedules unpause [--id ID] [--note TEXT]  unpause one schedule, or all of them

ID is a schedule id as "list" shows it; the "bridge-" prefix may be left out (--id poll-devices).`;

const ACTIONS = ['list', 'trigger', 'pause', 'unpause'] as const;
type Action = (typeof ACTIONS)[number];

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const { values, positionals } = parseOptions(
      argv,
      { id: { type: 'string' }, note: { type: 'string' }, help: { type: 'boolean' } },
      true,
    );
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [action, ...extra] = positionals;
    if (!action) throw new UsageError('give an action: list, trigger, pause or unpause');
    if (!ACTIONS.includes(action as Action)) throw new UsageError(`unknown schedules action "${action}"`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (action === 'list' && (values.id !== undefined || values.note !== undefined)) {
      throw new UsageError('schedules list takes no --id or --note');
    }
    if (action === 'trigger' && values.id === undefined)
      throw new UsageError('schedules trigger needs --id ID');
    if (action === 'trigger' && values.note !== undefined)
      throw new UsageError('schedules trigger takes no --note');

    return withTemporal(async ({ client, config }) => {
      const known = bridgeSchedules(config);
      const chosen = values.id === undefined ? known : [findSchedule(known, values.id)];
      switch (action as Action) {
        case 'list':
          return list(client, known, config.TIME_ZONE);
        case 'trigger':
          return trigger(client, chosen[0]);
        case 'pause':
          return setPaused(client, chosen, true, values.note ?? 'paused with "bridge schedules pause"');
        case 'unpause':
          return setPaused(client, chosen, false, values.note ?? 'unpaused with "bridge schedules unpause"');
      }
    });
  });
}

function findSchedule(known: BridgeSchedule[], id: string): BridgeSchedule {
  const found = known.find((s) => s.id === id || s.id === `bridge-${id}`);
  if (!found) {
    throw new UsageError(`no schedule "${id}"; the schedules are ${known.map((s) => s.id).join(', ')}`);
  }
  return found;
}

async function describe(client: Client, id: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

const notCreated = (id: string) => `Schedule ${id} does not exist yet: the bridge creates it when it starts.`;

async function list(client: Client, known: BridgeSchedule[], zone: string): Promise<number> {
  const rows = [['ID', 'STATE', 'NEXT RUN', 'LAST RUN']];
  const details: string[] = [];
  for (const schedule of known) {
    const described = await describe(client, schedule.id);
    if (!described) {
      rows.push([schedule.id, 'not created', '-', '-']);
      continue;
    }
    const last = described.info.recentActions.at(-1);
    const running = described.info.runningActions.length > 0 ? ', running now' : '';
    rows.push([
      schedule.id,
      described.state.paused ? 'paused' : `active${running}`,
      described.state.paused ? '-' : formatWhen(described.info.nextActionTimes[0] ?? null, zone),
      last ? `${formatWhen(last.takenAt, zone)} ${last.action.workflow.workflowId}` : 'never',
    ]);
    if (described.state.paused && described.state.note)
      details.push(`  ${schedule.id}: ${described.state.note}`);
  }
  for (const line of formatTable(rows)) console.log(line);
  if (details.length > 0) console.log(`\nPause notes:\n${details.join('\n')}`);
  return 0;
}

async function trigger(client: Client, schedule: BridgeSchedule): Promise<number> {
  const described = await describe(client, schedule.id);
  if (!described) {
    console.error(notCreated(schedule.id));
    return 1;
  }
  // trigger() on its own would allow an overlapping run; the schedule's policy (SKIP) must hold.
  const overlap = described.policies.overlap ?? ScheduleOverlapPolicy.SKIP;
  await client.schedule.getHandle(schedule.id).trigger(overlap);
  const skipped =
    overlap === ScheduleOverlapPolicy.SKIP && described.info.runningActions.length > 0
      ? ' A run is still going, so under the SKIP overlap policy this trigger starts nothing.'
      : '';
  console.log(`Triggered ${schedule.id}: ${schedule.description}.${skipped}`);
  return 0;
}

async function setPaused(
  client: Client,
  schedules: BridgeSchedule[],
  paused: boolean,
  note: string,
): Promise<number> {
  let missing = 0;
  for (const schedule of schedules) {
    const described = await describe(client, schedule.id);
    if (!described) {
      console.error(notCreated(schedule.id));
      missing += 1;
      continue;
    }
    const handle = client.schedule.getHandle(schedule.id);
    if (paused) await handle.pause(note);
    else await handle.unpause(note);
    const was = described.state.paused === paused ? ` (it was already ${paused ? 'paused' : 'active'})` : '';
    console.log(`${schedule.id}: ${paused ? 'paused' : 'unpaused'}${was}`);
  }
  return missing > 0 ? 1 : 0;
}
