import {
  type ClassificationContext,
  classifyAnswer,
  classifyFailure,
  type DeliveryOutcome,
  outcomeToError,
} from '../../lib/crm/outcome.js';
import { createRedactor, crmSecrets, displayUrl } from '../../lib/crm/redaction.js';
import { CrmRejectedError, CrmTransientError } from '../../lib/errors.js';

const token = 'tok_5ecret_9a8b7c';
const url = new URL('https://bridge:pa55word@crm.example/api/attendance/?api_key=k3y_abcdef&format=json');
const context: ClassificationContext = {
  where: displayUrl(url),
  redact: createRedactor(crmSecrets(url, token)),
  timeoutMs: 10_000,
  nowMs: Date.parse('2025-11-11T08:00:00Z'),
  durationMs: 12,
};

function failure(code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('displayUrl', () => {
  it('drops user info and query from the URL people see', () => {
    expect(displayUrl(url)).toBe('https://crm.example/api/attendance/?…');
    expect(displayUrl(new URL('http://crm.example:8080/api/'))).toBe('http://crm.example:8080/api/');
  });
});

describe('classifyAnswer', () => {
  it.each([
    { status: 200, kind: 'delivered' },
    { status: 201, kind: 'delivered' },
    { status: 202, kind: 'rejected' },
    { status: 204, kind: 'rejected' },
    { status: 301, kind: 'rejected' },
    { status: 304, kind: 'rejected' },
    { status: 400, kind: 'rejected' },
    { status: 401, kind: 'rejected' },
    { status: 404, kind: 'rejected' },
    { status: 408, kind: 'transient' },
    { status: 409, kind: 'rejected' },
    { status: 422, kind: 'rejected' },
    { status: 429, kind: 'transient' },
    { status: 500, kind: 'transient' },
    { status: 502, kind: 'transient' },
    { status: 503, kind: 'transient' },
    { status: 599, kind: 'transient' },
    { status: 600, kind: 'rejected' },
  ])('classifies $status as $kind', ({ status, kind }) => {
    expect(classifyAnswer({ status, headers: {}, body: '' }, context).kind).toBe(kind);
  });

  it('explains why a success status other than 200 or 201 is not a delivery', () => {
    const outcome = classifyAnswer({ status: 204, headers: {}, body: '' }, context);
    expect(outcome).toMatchObject({
      kind: 'rejected',
      error: expect.stringMatching(/answered 204 No Content.*only 200 or 201/),
    });
  });

  it('names the redirect target without its query, and says redirects are not followed', () => {
    const outcome = classifyAnswer(
      { status: 302, headers: { location: '/login?next=/api/attendance/&session=s3ss10n_t0ken' }, body: '' },
      context,
    );
    expect(outcome.kind === 'rejected' && outcome.error).toBe(
      'CRM at https://crm.example/api/attendance/?… answered 302 Found, redirecting to ' +
        'https://crm.example/login?…; redirects are not followed, set CRM_API_URL to the final address',
    );
  });

  it('points at the token when the CRM refuses the credentials', () => {
    const outcome = classifyAnswer({ status: 403, headers: {}, body: '{"detail":"nope"}' }, context);
    expect(outcome.kind === 'rejected' && outcome.error).toMatch(/403 Forbidden.*check CRM_API_TOKEN/);
  });

  it('keeps the first 500 characters of a rejection body, without the token the CRM echoed', () => {
    const body = `{"error":"bad token Token ${token}","detail":"${'x'.repeat(900)}"}`;
    const outcome = classifyAnswer({ status: 422, headers: {}, body }, context);
    expect(outcome.kind).toBe('rejected');
    if (outcome.kind !== 'rejected') return;
    expect(outcome.bodyExcerpt).toHaveLength(500);
    expect(outcome.bodyExcerpt.startsWith('{"error":"bad token Token [redacted]"')).toBe(true);
    expect(outcome.error).not.toContain(token);
  });

  it('reads Retry-After on any transient status', () => {
    const outcome = classifyAnswer({ status: 503, headers: { 'retry-after': '7' }, body: 'busy' }, context);
    expect(outcome).toEqual({
      kind: 'transient',
      status: 503,
      error:
        'CRM at https://crm.example/api/attendance/?… answered 503 Service Unavailable: busy (it asks to wait 7000 ms)',
      retryAfterMs: 7000,
      durationMs: 12,
    });
  });
});

describe('classifyFailure', () => {
  it.each([
    {
      code: 'ETIMEDOUT',
      message: "Timeout awaiting 'request' for 10000ms",
      expected: /did not answer within 10000 ms/,
    },
    {
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 10.0.0.1:443',
      expected: /refused the connection/,
    },
    {
      code: 'ECONNRESET',
      message: 'socket hang up',
      expected: /broke before it answered \(ECONNRESET: socket hang up\)/,
    },
    {
      code: 'ENOTFOUND',
      message: 'getaddrinfo ENOTFOUND crm.example',
      expected: /could not be resolved \(ENOTFOUND\)/,
    },
    {
      code: 'EAI_AGAIN',
      message: 'getaddrinfo EAI_AGAIN crm.example',
      expected: /could not be resolved \(EAI_AGAIN\)/,
    },
    { code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH', expected: /is unreachable \(EHOSTUNREACH\)/ },
    {
      code: 'CERT_HAS_EXPIRED',
      message: 'certificate has expired',
      expected: /certificate that failed verification/,
    },
    {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      message: 'wrong version number',
      expected: /TLS handshake .* failed \(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number\)/,
    },
    {
      code: 'EPROTO',
      message:
        'write EPROTO 80BCA61E027F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:' +
        '../deps/openssl/openssl/ssl/record/ssl3_record.c:350:',
      expected: /TLS handshake .* failed \(EPROTO: wrong version number\); check that the server/,
    },
    { code: 'EWHATEVER', message: 'odd', expected: /failed \(EWHATEVER: odd\)/ },
    { code: undefined, message: '', expected: /failed \(no error code: no details\)/ },
  ])('describes $code as a transient failure', ({ code, message, expected }) => {
    const outcome = classifyFailure(failure(code, message), context);
    expect(outcome).toMatchObject({ kind: 'transient', status: null, retryAfterMs: null, durationMs: 12 });
    expect(outcome.kind === 'transient' && outcome.error).toMatch(expected);
  });

  it('hides the token, the URL password and the query key even when the cause quotes them', () => {
    const leaky = failure(
      'EWHATEVER',
      `request to ${url.href} with authorization "Token ${token}" failed (k3y_abcdef, pa55word)`,
    );
    const outcome = classifyFailure(leaky, context);
    const text = JSON.stringify(outcome);
    for (const secret of [token, 'pa55word', 'k3y_abcdef']) expect(text).not.toContain(secret);
  });
});

describe('outcomeToError', () => {
  it('gives nothing for a delivery', () => {
    expect(outcomeToError({ kind: 'delivered', status: 201, durationMs: 5 })).toBeNull();
  });

  it('gives a retryable CrmTransientError with status and wait', () => {
    const outcome: DeliveryOutcome = {
      kind: 'transient',
      status: 429,
      error: 'CRM at x answered 429',
      retryAfterMs: 2000,
      durationMs: 5,
    };
    const error = outcomeToError(outcome);
    expect(error).toBeInstanceOf(CrmTransientError);
    expect(error).toMatchObject({
      message: 'CRM at x answered 429',
      type: 'CrmTransientError',
      retryable: true,
      details: { status: 429, retryAfterMs: 2000 },
    });
  });

  it('leaves out the status and wait a network failure does not have', () => {
    const error = outcomeToError({
      kind: 'transient',
      status: null,
      error: 'refused',
      retryAfterMs: null,
      durationMs: 1,
    });
    expect(error).toBeInstanceOf(CrmTransientError);
    expect((error as CrmTransientError).details).toEqual({});
  });

  it('gives a non-retryable CrmRejectedError with the body excerpt', () => {
    const error = outcomeToError({
      kind: 'rejected',
      status: 422,
      error: 'CRM at x rejected the record with 422',
      bodyExcerpt: '{"error":"unknown user"}',
      durationMs: 5,
    });
    expect(error).toBeInstanceOf(CrmRejectedError);
    expect(error).toMatchObject({
      type: 'CrmRejectedError',
      retryable: false,
      details: { status: 422, bodyExcerpt: '{"error":"unknown user"}' },
    });
  });
});
