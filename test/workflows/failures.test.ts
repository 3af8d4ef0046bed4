import { WorkflowFailedError } from '@temporalio/client';
import {
  ActivityFailure,
  ChildWorkflowFailure,
  DefaultFailureConverter,
  defaultPayloadConverter,
  RetryState,
  TimeoutFailure,
} from '@temporalio/common';
import { toFailure } from '../../activities/failures.js';
import { ConfigurationError, DeviceUnreachableError } from '../../lib/errors.js';
import { failureMessage } from '../../workflows/failures.js';

// The chains as they arrive: through Temporal's failure converter, as a worker sends and a workflow
// or client reads them, causes and all.
const converter = new DefaultFailureConverter();
const overTheWire = (error: Error): Error =>
  converter.failureToError(converter.errorToFailure(error, defaultPayloadConverter), defaultPayloadConverter);

const refused = () => {
  const socket = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:4370'), { code: 'ECONNREFUSED' });
  return new DeviceUnreachableError('device 10.0.0.7:4370 refused the TCP connection (ECONNREFUSED)', {
    cause: socket,
  });
};
const activityFailed = (cause: Error) =>
  new ActivityFailure(
    'Activity task failed',
    'downloadAttendance',
    '1',
    RetryState.MAXIMUM_ATTEMPTS_REACHED,
    'w',
    cause,
  );

test.each([
  [
    'an activity failure: our error, not the socket error under it',
    () => overTheWire(activityFailed(toFailure(refused()) as Error)),
    'device 10.0.0.7:4370 refused the TCP connection (ECONNREFUSED)',
  ],
  [
    'a workflow failed by an activity failure it did not catch',
    () =>
      new WorkflowFailedError(
        'Workflow execution failed',
        overTheWire(
          activityFailed(toFailure(new ConfigurationError('startDate 2025-13-01 is not a date')) as Error),
        ),
        RetryState.NON_RETRYABLE_FAILURE,
      ),
    'startDate 2025-13-01 is not a date',
  ],
  [
    "a child workflow's failure",
    () =>
      overTheWire(
        new ChildWorkflowFailure(
          'default',
          { workflowId: 'poll/device-3', runId: 'r' },
          'pollDevice',
          RetryState.NON_RETRYABLE_FAILURE,
          toFailure(refused()) as Error,
        ),
      ),
    'device 10.0.0.7:4370 refused the TCP connection (ECONNREFUSED)',
  ],
  [
    'a timeout, which is its own message',
    () =>
      overTheWire(
        activityFailed(new TimeoutFailure('activity StartToClose timeout', undefined, 'START_TO_CLOSE')),
      ),
    'activity StartToClose timeout',
  ],
  ['a wrapper whose cause says nothing', () => activityFailed(new Error('')), 'Activity task failed'],
  [
    'errors that are no Temporal failure: the innermost message',
    () => new Error('Cannot reach Temporal', { cause: new Error('Failed to connect before the deadline') }),
    'Failed to connect before the deadline',
  ],
  ['something thrown that is no error', () => 'lost' as unknown as Error, 'lost'],
])('%s', (_, error, message) => {
  expect(failureMessage(error())).toBe(message);
});
