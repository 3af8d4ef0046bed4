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
} from '../../lib/errors.js';

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
