import { pino, type Logger } from 'pino';

export type { Logger };

/** The one structured logger. Secrets never reach the log: these paths are redacted. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(level: string, destination: 'stdout' | 'stderr' = 'stderr'): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'custodia' } },
    pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true }),
  );
}
