/** What a poll returns to its workflow: counts and ids only, never the punches themselves. */
export interface DevicePollResult {
  deviceId: number;
  status: 'succeeded' | 'failed' | 'skipped';
  fetched: number;
  inserted: number;
  recordsOnDevice?: number;
  clockOffsetSeconds?: number;
  logCleared?: boolean;
  error?: string;
}

export interface PollAllResult {
  totalDevices: number;
  successful: number;
  failed: number;
  devices: DevicePollResult[];
}

export interface PollableDevice {
  id: number;
  name: string;
  taskQueue: string | null;
}
