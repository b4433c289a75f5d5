import { SingleBar } from 'cli-progress';

/** CLI exit codes: 0 success, 1 a check failed, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Shows names with control characters visibly escaped, so a hostile name can't rewrite the terminal. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** A byte progress bar on stderr (bytes, files, rate, ETA); silent when stderr is not a terminal. */
export function byteProgress(enabled: boolean): { update(p: { bytesDone: number; bytesTotal: number; filesDone: number; filesTotal: number }): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {done}/{size} | {filesDone}/{filesTotal} files | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
      fps: 8,
    },
  );
  const start = Date.now();
  let started = false;
  return {
    update(p) {
      const payload = { done: humanBytes(p.bytesDone), size: humanBytes(p.bytesTotal), filesDone: p.filesDone, filesTotal: p.filesTotal, rate: humanBytes(p.bytesDone / Math.max(0.001, (Date.now() - start) / 1000)) };
      if (!started) {
        bar.start(Math.max(1, p.bytesTotal), p.bytesDone, payload);
        started = true;
      } else bar.update(p.bytesDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** A count progress bar on stderr (verify); silent when stderr is not a terminal. */
export function countProgress(enabled: boolean): { update(label: string, done: number, total: number): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: process.stderr, format: ' {label} {bar} {value}/{total} | ETA {eta_formatted}', hideCursor: true, fps: 8 });
  let current = '';
  return {
    update(label, done, total) {
      if (label !== current) {
        if (current) bar.stop();
        bar.start(Math.max(1, total), done, { label: label.padEnd(7) });
        current = label;
      } else bar.update(done);
    },
    stop() {
      if (current) bar.stop();
    },
  };
}
