import { z } from '@hono/zod-openapi';
import { rawPunchOrderFields } from '../../lib/db/punches.js';
import {
  dateRangeQuery,
  optionalQuery,
  orderingQuery,
  PageQuery,
  PlainText,
  pageOf,
} from '../common/schemas.js';

export const RawPunchBody = z
  .object({
    id: z.number().int(),
    device: z.number().int(),
    device_name: z.string(),
    user_id: z.string(),
    timestamp: z.string().openapi({ description: "The instant, with the device zone's offset" }),
    status: z.number().int().openapi({ description: 'The punch state, as the original exposed it' }),
    punch_state: z.number().int(),
    verify_type: z.number().int(),
    created_at: z.string(),
    local_time: z.string().openapi({ description: "The device's wall clock, as it reported the punch" }),
    timezone: z.string(),
    source: z.string(),
  })
  .openapi('RawPunch');

export const RawPunchPageBody = pageOf(RawPunchBody, 'RawPunchPage');

const deviceFilter = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a device id (a positive whole number)')
  .transform(Number)
  .refine((n) => n <= 2_147_483_647, 'must be a device id');

export const RawPunchListQuery = dateRangeQuery({
  ...PageQuery,
  ordering: orderingQuery(rawPunchOrderFields),
  user_id: optionalQuery(PlainText(64), { type: 'string' }),
  device: optionalQuery(deviceFilter, { type: 'integer', description: 'Device id' }),
});
