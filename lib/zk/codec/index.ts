/**
 * The ZKTeco TCP 4370 protocol as pure functions: Buffers in, values out. No sockets, no clocks,
 * no time zones. Each concern lives in its own file of `codec/`; this index is the one place the
 * client, the simulator and the rest of the bridge import from.
 */
export * from './attendance.js';
export * from './commands.js';
export * from './commkey.js';
export * from './dataset.js';
export * from './events.js';
export * from './freeSizes.js';
export * from './options.js';
export * from './packet.js';
export * from './strings.js';
export * from './time.js';
export * from './users.js';
