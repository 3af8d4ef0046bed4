import { parseConfig } from '../lib/config.js';
import { ConfigurationError } from '../lib/errors.js';

describe('parseConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 8000,
      POLLING_INTERVAL_MINUTES: 15,
      WORK_START_TIME: '08:00',
      WORK_END_TIME: '18:00',
      OVERNIGHT_SHIFT: false,
      CRM_MAX_RETRIES: 3,
      ZKTECO_DEFAULT_PORT: 4370,
      TIME_ZONE: 'UTC',
      TEMPORAL_DEV_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      DATABASE_URL: null,
      TEMPORAL_ADDRESS: null,
      API_TOKEN: null,
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  test.each([
    ['OVERNIGHT_SHIFT', 'True', true],
    ['OVERNIGHT_SHIFT', 'false', false],
    ['OVERNIGHT_SHIFT', '1', true],
    ['POLLING_INTERVAL_MINUTES', '5', 5],
    ['TIME_ZONE', 'Africa/Nairobi', 'Africa/Nairobi'],
    ['WORK_START_TIME', '07:30', '07:30'],
    ['CRM_API_URL', 'https://crm.example.com/api/attendance/', 'https://crm.example.com/api/attendance/'],
    ['CRM_API_URL', '', null],
  ])('%s=%j is read as %j', (name, value, expected) => {
    expect(parseConfig({ [name]: value })[name as keyof ReturnType<typeof parseConfig>]).toEqual(expected);
  });

  test.each([
    ['PORT', 'eighty', /PORT: .*number/i],
    ['PORT', '70000', /PORT: /],
    ['WORK_START_TIME', '25:00', /WORK_START_TIME: must be a time of day as HH:MM/],
    ['TIME_ZONE', 'Mars/Olympus', /TIME_ZONE: must be an IANA time zone/],
    ['OVERNIGHT_SHIFT', 'maybe', /OVERNIGHT_SHIFT: /],
    ['CRM_API_URL', 'ftp://crm.example.com', /CRM_API_URL: must start with https: or http:/],
    ['DATABASE_URL', 'mysql://localhost/db', /DATABASE_URL: must start with postgres: or postgresql:/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: /],
  ])('%s=%j stops start-up naming the setting', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigurationError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  test('every bad setting is reported at once', () => {
    try {
      parseConfig({ PORT: 'x', TIME_ZONE: 'Nowhere/Else' });
      throw new Error('expected a ConfigurationError');
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/TIME_ZONE/);
    }
  });

  test('secret values are never echoed in the error', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).not.toThrow(/hunter2/);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(/DATABASE_URL/);
  });

  test('a client certificate needs its key', () => {
    expect(() => parseConfig({ TEMPORAL_TLS_CERT_FILE: '/etc/cert.pem' })).toThrow(/TEMPORAL_TLS_KEY_FILE/);
  });
});

describe('.env.example', () => {
  test('documents every setting, and its values parse', async () => {
    const { readFileSync } = await import('node:fs');
    const dotenv = (await import('dotenv')).default;
    const example = dotenv.parse(readFileSync(new URL('../.env.example', import.meta.url)));
    const source = readFileSync(new URL('../lib/config.ts', import.meta.url), 'utf8');
    const settings = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]);
    expect(settings.length).toBeGreaterThan(40);
    expect(settings.filter((name) => !(name in example))).toEqual([]);
    expect(() => parseConfig(example)).not.toThrow();
  });
});
