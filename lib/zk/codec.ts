/**
 * The ZKTeco TCP 4370 protocol as pure functions: Buffers in, values out. No sockets, no clocks,
 * no time zones. Each concern lives in its own `codec-*.ts` file; this module is the one place the
 * client and the simulator import from.
 */
export * from './codec-attendance.js';
export * from './codec-commands.js';
export * from './codec-commkey.js';
export * from './codec-dataset.js';
export * from './codec-events.js';
export * from './codec-free-sizes.js';
export * from './codec-options.js';
export * from './codec-packet.js';
export * from './codec-strings.js';
export * from './codec-time.js';
export * from './codec-users.js';
