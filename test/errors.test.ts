import postgres from 'postgres';
import {
  type BridgeError,
  CommKeyRefusedError,
  ConfigurationError,
  CrmRejectedError,
  CrmTransientError,
  DeviceBusyError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  errorClasses,
  FailureType,
  InvalidRecordError,
  NotFoundError,
  nonRetryableFailureTypes,
  ServiceUnavailableError,
  toBridgeError,
} from '../lib/errors.js';
import { freePort } from '../runtime/ports.js';

// What an operator relies on: which failures Temporal retries and which stop at once.
test.each<[BridgeError, FailureType, boolean]>([
  [new ConfigurationError('x'), FailureType.Configuration, false],
  [new DeviceUnreachableError('x'), FailureType.DeviceUnreachable, true],
  [new DeviceTimeoutError('x'), FailureType.DeviceTimeout, true],
  [new CommKeyRefusedError('x'), FailureType.CommKeyRefused, false],
  [new DeviceProtocolError('x'), FailureType.DeviceProtocol, false],
  [new DeviceBusyError('x'), FailureType.DeviceBusy, true],
  [new InvalidRecordError('x'), FailureType.InvalidRecord, false],
  [new CrmTransientError('x', { status: 503 }), FailureType.CrmTransient, true],
  [new CrmRejectedError('x', { status: 422, bodyExcerpt: '' }), FailureType.CrmRejected, false],
  [new NotFoundError('x'), FailureType.NotFound, false],
  [new ServiceUnavailableError('x'), FailureType.ServiceUnavailable, true],
])('%# carries its class’s type and retry flag', (error, type, retryable) => {
  expect({ name: error.name, type: error.type, retryable: error.retryable }).toEqual({
    name: error.constructor.name,
    type,
    retryable,
  });
});

test('each failure type has one class, filed under its own type', () => {
  for (const [type, errorClass] of Object.entries(errorClasses)) {
    expect({ type, classType: errorClass.type }).toEqual({ type, classType: type });
  }
  expect(Object.keys(errorClasses).sort()).toEqual(Object.values(FailureType).sort());
});

test('the non-retryable list is exactly the classes that say retrying cannot help', () => {
  expect([...nonRetryableFailureTypes].sort()).toEqual(
    [
      FailureType.CommKeyRefused,
      FailureType.Configuration,
      FailureType.CrmRejected,
      FailureType.DeviceProtocol,
      FailureType.InvalidRecord,
      FailureType.NotFound,
    ].sort(),
  );
});

// What a client of the API sees when one of these ends its request.
test.each<[BridgeError, number]>([
  [new ConfigurationError('x'), 500],
  [new DeviceUnreachableError('x'), 503],
  [new DeviceTimeoutError('x'), 503],
  [new CommKeyRefusedError('x'), 502],
  [new DeviceProtocolError('x'), 502],
  [new DeviceBusyError('x'), 503],
  [new InvalidRecordError('x'), 502],
  [new CrmTransientError('x', { status: 503 }), 503],
  [new CrmRejectedError('x', { status: 422, bodyExcerpt: '' }), 502],
  [new NotFoundError('x'), 404],
  [new ServiceUnavailableError('x'), 503],
])('%# answers the HTTP status of its class', (error, status) => {
  expect({ name: error.name, httpStatus: error.httpStatus }).toEqual({
    name: error.constructor.name,
    httpStatus: status,
  });
  expect(errorClasses[error.type].httpStatus).toBe(status);
});

/** An error shaped as the library named throws it. */
const coded = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
/** A gRPC status error as @grpc/grpc-js rejects a call with, and the Temporal SDK's wrapper around it. */
const grpc = (code: number, details: string) =>
  coded(`${code} ${details}`, { code, details, metadata: { internalRepr: new Map() } });
const temporalServiceError = (cause: Error) =>
  Object.assign(new Error('Failed to start Workflow', { cause }), { name: 'ServiceError' });
const postgresError = (code: string, message: string) => coded(message, { name: 'PostgresError', code });

describe('toBridgeError: an outage of PostgreSQL or Temporal becomes our ServiceUnavailableError', () => {
  test.each([
    [
      'a refused PostgreSQL connection',
      coded('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
      'PostgreSQL is not reachable (connect ECONNREFUSED 127.0.0.1:5432)',
    ],
    [
      'a connection postgres.js saw close',
      coded('write CONNECTION_CLOSED 127.0.0.1:5432', { code: 'CONNECTION_CLOSED' }),
      'PostgreSQL is not reachable (write CONNECTION_CLOSED 127.0.0.1:5432)',
    ],
    [
      'a connect timeout',
      coded('write CONNECT_TIMEOUT db:5432', { code: 'CONNECT_TIMEOUT' }),
      'PostgreSQL is not reachable (write CONNECT_TIMEOUT db:5432)',
    ],
    [
      'a server shutting down',
      postgresError('57P01', 'terminating connection due to administrator command'),
      'PostgreSQL is not reachable (terminating connection due to administrator command)',
    ],
    [
      'a server starting up',
      postgresError('57P03', 'the database system is starting up'),
      'PostgreSQL is not reachable (the database system is starting up)',
    ],
    [
      'a server out of connections',
      postgresError('53300', 'sorry, too many clients already'),
      'PostgreSQL is not reachable (sorry, too many clients already)',
    ],
    [
      'Temporal down, wrapped by the SDK',
      temporalServiceError(
        grpc(
          14,
          'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:7233. Resolution note: ',
        ),
      ),
      'Temporal is not reachable (UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:7233.)',
    ],
    [
      'Temporal not answering in time',
      grpc(4, 'Deadline exceeded'),
      'Temporal is not reachable (DEADLINE_EXCEEDED: Deadline exceeded)',
    ],
  ])('%s', (_, error, message) => {
    const mapped = toBridgeError(error);
    expect(mapped).toBeInstanceOf(ServiceUnavailableError);
    expect(mapped).toMatchObject({ message, httpStatus: 503, retryable: true, cause: expect.anything() });
  });

  test.each([
    ['a unique violation', postgresError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', postgresError('42601', 'syntax error at or near "selec"')],
    ['a Temporal NOT_FOUND', temporalServiceError(grpc(5, 'namespace not found'))],
    ['a code that only looks like a socket error', coded('ECONNREFUSED', { code: 'ECONNREFUSED_NOT' })],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
  ])('%s is not an outage: null, a bug that answers 500', (_, error) => {
    expect(toBridgeError(error)).toBeNull();
  });

  test.each([
    [new NotFoundError('device 7 does not exist'), 404],
    [new DeviceUnreachableError('device 7 (10.0.0.7:4370) refused the connection'), 503],
    [new CrmRejectedError('the CRM refused the record', { status: 422, bodyExcerpt: '' }), 502],
    [new ServiceUnavailableError('Cannot reach Temporal at 10.0.0.9:7233'), 503],
  ])('our own error %p is itself, with its status, also as the cause of another', (error, status) => {
    expect(toBridgeError(error)).toBe(error);
    expect(toBridgeError(new Error('activity failed', { cause: error }))).toBe(error);
    expect(error.httpStatus).toBe(status);
  });

  test('the error postgres.js really throws for a server that is not there', async () => {
    const sql = postgres(`postgres://nobody@127.0.0.1:${await freePort()}/none`, {
      max: 1,
      onnotice: () => {},
    });
    const failure = await sql`select 1`.catch((error: unknown) => error);
    await sql.end();
    expect(toBridgeError(failure)?.message).toMatch(/^PostgreSQL is not reachable \(.*ECONNREFUSED/);
  });
});
