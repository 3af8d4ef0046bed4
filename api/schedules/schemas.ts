import { z } from '@hono/zod-openapi';
import { PageQuery, PlainText, pageOf } from '../common/schemas.js';

export const ScheduleParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'bridge-poll-devices' }),
});

export const ScheduleBody = z
  .object({
    id: z.string(),
    description: z.string(),
    workflow_type: z.string(),
    paused: z.boolean(),
    note: z.string().nullable(),
    overlap_policy: z.string(),
    next_run_times: z.array(z.string()),
    recent_runs: z.array(
      z.object({
        scheduled_at: z.string(),
        started_at: z.string(),
        workflow_id: z.string(),
        run_id: z.string(),
      }),
    ),
    running: z.array(z.object({ workflow_id: z.string(), run_id: z.string() })),
    actions_taken: z.number().int(),
    skipped_overlap: z.number().int(),
  })
  .openapi('Schedule');

export const SchedulePageBody = pageOf(ScheduleBody, 'SchedulePage');
export const ScheduleListQuery = z.object(PageQuery);

export const ScheduleNoteBody = z
  .object({ note: PlainText(500).optional() })
  .strict()
  .openapi('ScheduleNote');

export const ScheduleTriggeredBody = z
  .object({ id: z.string(), status: z.literal('triggered'), overlap_policy: z.string() })
  .openapi('ScheduleTriggered');
