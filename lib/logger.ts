import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Secrets are redacted by key wherever they appear in a log object. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'attendance-bridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'token',
          '*.token',
          'commKey',
          '*.commKey',
          'comm_key',
          '*.comm_key',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'CRM_API_TOKEN',
          'API_TOKEN',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
