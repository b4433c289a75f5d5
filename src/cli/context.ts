import type { App } from '../app.js';
import { openApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { createLogger } from '../platform/log.js';

export interface GlobalFlags {
  data?: string | undefined;
  json: boolean;
}

/** Opens the site for a CLI command: config from env + flags, logs on stderr (stdout is for results). */
export async function openForCli(env: NodeJS.ProcessEnv, flags: GlobalFlags, overrides: Partial<Pick<Config, 'port' | 'host'>> = {}): Promise<App> {
  const config = loadConfig(env, { dataDir: flags.data, ...overrides });
  const log = createLogger(env.LOG_LEVEL ?? (flags.json ? 'warn' : 'info'), 'stderr');
  return openApp(config, log, { PATH: env.PATH });
}

export function print(flags: GlobalFlags, json: unknown, text: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
}
