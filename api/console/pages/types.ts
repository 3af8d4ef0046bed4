import type { AppDeps } from '../../deps.js';

/** What the console's pages get: the API's own dependencies, so they read through the same lib/db. */
export type ConsoleDeps = AppDeps;
