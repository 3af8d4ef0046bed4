/** What the receiver answers push devices, as text (PROTOCOL.md §14). Pure: the caller supplies the clock. */

export interface HandshakeOptions {
  serialNumber: string;
  /** The stored resume markers by table; a missing one is 0, which asks for everything. */
  stamps: Map<string, string>;
  /** The device's zone offset from UTC now, in minutes. */
  offsetMinutes: number;
  pollIntervalSeconds: number;
  serverVersion: string;
}

/**
 * The answer to `GET /iclock/cdata?options=all`. TimeZone goes out in hours, the unit most firmware
 * reads; a zone that is not a whole number of hours (India, Nepal) goes out in minutes, which
 * firmware that reads hours cannot take anyway.
 */
export function handshakeAnswer(options: HandshakeOptions): string {
  const stamp = (table: string) => options.stamps.get(table) ?? '0';
  const timeZone =
    options.offsetMinutes % 60 === 0 ? String(options.offsetMinutes / 60) : String(options.offsetMinutes);
  return [
    `GET OPTION FROM: ${options.serialNumber}`,
    `ATTLOGStamp=${stamp('ATTLOG')}`,
    `Stamp=${stamp('ATTLOG')}`,
    `OPERLOGStamp=${stamp('OPERLOG')}`,
    `ATTPHOTOStamp=${stamp('ATTPHOTO')}`,
    'ErrorDelay=30',
    `Delay=${options.pollIntervalSeconds}`,
    'TransTimes=00:00;14:05',
    'TransInterval=1',
    'TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser',
    `TimeZone=${timeZone}`,
    'Realtime=1',
    'Encrypt=0',
    `ServerVer=${options.serverVersion}`,
    'PushProtVer=2.4.1',
    '',
  ].join('\n');
}

/** getrequest with commands waiting: one `C:<id>:<command>` line each. */
export function commandLines(commands: { id: number; command: string }[]): string {
  return commands.length === 0 ? 'OK' : `${commands.map((c) => `C:${c.id}:${c.command}`).join('\n')}\n`;
}

/** The device's UTC offset in minutes at `at`, from its IANA zone. */
export function zoneOffsetMinutes(zone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}
