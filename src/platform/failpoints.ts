/**
 * Failpoints let crash tests stop the process at a named step, the way a power cut would.
 * Enabled only through config (`CUSTODIA_FAILPOINT=name[:n]`): at the n-th time (default 1)
 * the named point is reached, the process kills itself with SIGKILL — no cleanup, no flush.
 */
let armed: { name: string; remaining: number } | undefined;

export function armFailpoint(spec: string | undefined): void {
  if (!spec) {
    armed = undefined;
    return;
  }
  const [name, n] = spec.split(':');
  armed = { name: name ?? '', remaining: Math.max(1, Number(n ?? '1') || 1) };
}

export function failpoint(name: string): void {
  if (armed === undefined || armed.name !== name) return;
  armed.remaining -= 1;
  if (armed.remaining === 0) process.kill(process.pid, 'SIGKILL');
}
