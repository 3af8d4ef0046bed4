const ZKSO = [0x5a, 0x4b, 0x53, 0x4f];

function reverseBits32(value: number): number {
  let reversed = 0;
  for (let bit = 0; bit < 32; bit++) {
    reversed = ((reversed << 1) | ((value >>> bit) & 1)) >>> 0;
  }
  return reversed;
}

/**
 * The 4-byte CMD_AUTH payload for a comm key (PROTOCOL.md §6). The device reads `ticks` back from
 * byte 2, so any value works; every known client sends 50.
 */
export function makeCommKey(key: number, sessionId: number, ticks = 50): Buffer {
  const k = (reverseBits32(key >>> 0) + sessionId) >>> 0;
  const b = Buffer.alloc(4);
  b.writeUInt32LE(k, 0);
  const x = [b[0] ^ ZKSO[0], b[1] ^ ZKSO[1], b[2] ^ ZKSO[2], b[3] ^ ZKSO[3]];
  const y = [x[2], x[3], x[0], x[1]];
  const t = ticks & 0xff;
  return Buffer.from([y[0] ^ t, y[1] ^ t, t, y[3] ^ t]);
}

/** The ticks value a client used, so a device (or simulator) can recompute the expected payload. */
export function commKeyTicks(authPayload: Buffer): number {
  return authPayload.length >= 3 ? authPayload[2] : 0;
}

/** Whether an AUTH payload proves `key` for this session. */
export function isCommKeyValid(authPayload: Buffer, key: number, sessionId: number): boolean {
  return (
    authPayload.length === 4 && makeCommKey(key, sessionId, commKeyTicks(authPayload)).equals(authPayload)
  );
}
