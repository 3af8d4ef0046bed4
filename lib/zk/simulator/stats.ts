/** Counters a test can assert on: what the simulated terminal saw and did. */
export interface SimulatorStats {
  /** TCP connections accepted, including refused second sessions. */
  connections: number;
  connectionsRefused: number;
  /** Sessions that completed CONNECT (and AUTH when a comm key is set). */
  sessionsOpened: number;
  authFailures: number;
  /** Requests received (event ACKs from the client not included). */
  commandsSeen: number;
  /** Requests by protocol name, e.g. { CMD_CONNECT: 1, CMD_DATA_RDY: 3 }. */
  commandCounts: Record<string, number>;
  disableCount: number;
  enableCount: number;
  checksumErrors: number;
  /** Requests whose session field was not the id this connection was given. */
  sessionIdMismatches: number;
  /** DATA_RDY chunks answered in full. */
  chunksServed: number;
  connectionsDropped: number;
  punchesRefused: number;
  eventsSent: number;
  eventAcks: number;
}

export function emptyStats(): SimulatorStats {
  return {
    connections: 0,
    connectionsRefused: 0,
    sessionsOpened: 0,
    authFailures: 0,
    commandsSeen: 0,
    commandCounts: {},
    disableCount: 0,
    enableCount: 0,
    checksumErrors: 0,
    sessionIdMismatches: 0,
    chunksServed: 0,
    connectionsDropped: 0,
    punchesRefused: 0,
    eventsSent: 0,
    eventAcks: 0,
  };
}

export function copyStats(stats: SimulatorStats): SimulatorStats {
  return { ...stats, commandCounts: { ...stats.commandCounts } };
}
