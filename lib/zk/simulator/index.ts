/**
 * Simulated ZKTeco F18 terminals on real TCP ports (`DeviceSimulator`): the device state
 * (`device.ts`), one session per connection (`session.ts`), how replies reach the wire
 * (`writer.ts`, `transfer.ts`) and the seeded attendance log they serve (`generatedLog.ts`). Callers
 * import from here.
 */

export { type DeviceDump, dumpLog, type PunchInput, type PunchOutcome } from './device.js';
export { DeviceSimulator, type StartSimulatorsOptions, startSimulators } from './deviceSimulator.js';
export { generateLog } from './generatedLog.js';
export {
  type LogFullBehaviour,
  SIMULATOR_DEFAULTS,
  type SimulatorLog,
  type SimulatorOptions,
  WRITE_MODES,
  type WriteMode,
} from './options.js';
export type { SimulatorStats } from './stats.js';
