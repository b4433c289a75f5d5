import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting, read once at start-up and validated. Nothing else reads `process.env`.
 * Sources, later wins: defaults → `<data>/settings.json` → environment → CLI flags.
 */
const FileNamePatternSetting = z.object({ name: z.string().min(1), regex: z.string().min(1) });

const SettingsFile = z
  .object({
    fileNamePatterns: z.array(FileNamePatternSetting).optional(),
    timeZone: z.string().optional(),
    siteName: z.string().optional(),
    uploadDeadlineHours: z.number().positive().optional(),
  })
  .strict();

export const ConfigSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
  siteName: z.string().min(1),
  ffmpegPath: z.string().optional(),
  ffprobePath: z.string().optional(),
  fileNamePatterns: z.array(FileNamePatternSetting),
  /** R-24H: the default deadline between a recording's end and its import (profiles refine it later). */
  uploadDeadlineHours: z.number().positive(),
  sessionTtlHours: z.number().positive(),
  /** How often the server signs a new tree head when the ledger has grown. */
  treeHeadIntervalMs: z.number().int().positive(),
  jobPollMs: z.number().int().positive(),
  runJobs: z.boolean(),
  /** Test-only crash injection, see platform/failpoints.ts. */
  failpoint: z.string().optional(),
  secureCookies: z.boolean(),
  /** Trust X-Forwarded-For from a reverse proxy in front of the server. */
  trustProxy: z.boolean(),
});
export type Config = z.infer<typeof ConfigSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {}

export interface ConfigOverrides {
  dataDir?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
}

/** Builds the validated configuration. `env` is passed in (from main.ts) so tests can build their own. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): Config {
  const dataDir = path.resolve(overrides.dataDir ?? env.CUSTODIA_DATA ?? './data');
  const settingsPath = path.join(dataDir, 'settings.json');
  let file: z.infer<typeof SettingsFile> = {};
  if (existsSync(settingsPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(settingsPath, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${settingsPath}: not valid JSON (${(e as Error).message})`);
    }
    const parsed = SettingsFile.safeParse(raw);
    if (!parsed.success) throw new ConfigError(`${settingsPath}: ${z.prettifyError(parsed.error)}`);
    file = parsed.data;
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${v}"`);
    return n;
  };
  const candidate = {
    dataDir,
    databaseUrl: env.DATABASE_URL ?? `sqlite://${path.join(dataDir, 'custodia.db')}`,
    host: overrides.host ?? env.CUSTODIA_HOST ?? '127.0.0.1',
    port: overrides.port ?? num(env.CUSTODIA_PORT ?? env.PORT, 'CUSTODIA_PORT') ?? 8080,
    logLevel: env.LOG_LEVEL ?? 'info',
    timeZone: env.CUSTODIA_TIMEZONE ?? file.timeZone ?? 'Asia/Shanghai',
    siteName: env.CUSTODIA_SITE_NAME ?? file.siteName ?? 'Custodia',
    ffmpegPath: env.FFMPEG_PATH || undefined,
    ffprobePath: env.FFPROBE_PATH || undefined,
    fileNamePatterns: file.fileNamePatterns ?? [],
    uploadDeadlineHours: num(env.CUSTODIA_UPLOAD_DEADLINE_HOURS, 'CUSTODIA_UPLOAD_DEADLINE_HOURS') ?? file.uploadDeadlineHours ?? 24,
    sessionTtlHours: num(env.CUSTODIA_SESSION_TTL_HOURS, 'CUSTODIA_SESSION_TTL_HOURS') ?? 12,
    treeHeadIntervalMs: num(env.CUSTODIA_TREE_HEAD_INTERVAL_MS, 'CUSTODIA_TREE_HEAD_INTERVAL_MS') ?? 5000,
    jobPollMs: num(env.CUSTODIA_JOB_POLL_MS, 'CUSTODIA_JOB_POLL_MS') ?? 1000,
    runJobs: env.CUSTODIA_RUN_JOBS !== 'false',
    failpoint: env.CUSTODIA_FAILPOINT || undefined,
    secureCookies: env.CUSTODIA_SECURE_COOKIES === 'true',
    trustProxy: env.CUSTODIA_TRUST_PROXY === 'true',
  };
  const parsed = ConfigSchema.safeParse(candidate);
  if (!parsed.success) throw new ConfigError(z.prettifyError(parsed.error));
  return parsed.data;
}
