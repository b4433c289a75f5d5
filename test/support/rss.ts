import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Peak resident set size (VmHWM) of a running process, in bytes; undefined once it has exited. */
export function peakRss(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a child's peak RSS until it exits. */
export function watchPeakRss(child: ChildProcess, everyMs = 50): { peak(): number; stop(): void } {
  let peak = 0;
  const t = setInterval(() => {
    const v = child.pid === undefined ? undefined : peakRss(child.pid);
    if (v !== undefined) peak = Math.max(peak, v);
  }, everyMs);
  child.once('exit', () => clearInterval(t));
  return { peak: () => peak, stop: () => clearInterval(t) };
}

/** Runs the CLI (from sources) as a child; resolves with exit code, output and its peak RSS. */
export function runCliMeasured(args: string[], cliArgs: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgs, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const rss = watchPeakRss(child, 20);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, peakRss: rss.peak() }));
  });
}

/** Starts `serve --port 0` as a child and resolves once it prints its address. */
export function startServerChild(cliArgs: string[], dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgs, 'serve', '--port', '0', '--data', dataDir], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}${err}`));
    });
  });
}
