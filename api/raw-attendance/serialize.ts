import type { z } from '@hono/zod-openapi';
import type { RawPunchRow } from '../../lib/db/punches.js';
import { renderInstant } from '../common/render.js';
import type { RawPunchBody } from './schemas.js';

/** The original's punch fields; `status` carried the punch state there, so it does here. */
export function toRawPunchBody(row: RawPunchRow, zone: string): z.infer<typeof RawPunchBody> {
  return {
    id: row.id,
    device: row.deviceId,
    device_name: row.deviceName,
    user_id: row.userId,
    timestamp: renderInstant(row.punchedAt, row.timezone),
    status: row.punchState,
    punch_state: row.punchState,
    verify_type: row.verifyType,
    created_at: renderInstant(row.createdAt, zone),
    local_time: row.punchedAtLocal,
    timezone: row.timezone,
    source: row.source,
  };
}
