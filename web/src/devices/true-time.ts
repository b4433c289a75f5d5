import { useEffect, useState } from 'react';

/**
 * The server's clock is the true time of the desk (校时 compares a recorder's clock with it). The
 * browser's own clock may be off, so the page measures the offset between the two from HTTP
 * `Date` headers and shows `Date.now() + offset`.
 *
 * A `Date` header has one-second resolution: the server stamped it at some instant in
 * [S, S + 1 s) while the browser's clock was between sending (t0) and receiving (t1). So
 * server − browser lies in (S − t1, S + 1 s − t0). Samples taken at different fractions of a
 * second cut that interval down; their intersection is the offset's bounds, its middle the estimate.
 */
export interface ClockSample {
  /** Browser time when the request left. */
  sentAt: number;
  /** Browser time when the response arrived. */
  receivedAt: number;
  /** The response's `Date` header, parsed (whole seconds). */
  serverSecond: number;
}

export interface ClockOffset {
  /** server − browser, ms: true time = Date.now() + offsetMs. */
  offsetMs: number;
  /** ± this many ms. */
  uncertaintyMs: number;
}

/** The offset from samples; null without a usable one. Inconsistent samples (a clock step mid-way) fall back to the latest alone. */
export function offsetFromSamples(samples: readonly ClockSample[]): ClockOffset | null {
  const usable = samples.filter((s) => Number.isFinite(s.serverSecond) && s.receivedAt >= s.sentAt);
  if (usable.length === 0) return null;
  const bounds = (s: ClockSample) => ({ low: s.serverSecond - s.receivedAt, high: s.serverSecond + 1000 - s.sentAt });
  let { low, high } = bounds(usable[0]!);
  for (const s of usable.slice(1)) {
    const b = bounds(s);
    low = Math.max(low, b.low);
    high = Math.min(high, b.high);
  }
  if (low > high) ({ low, high } = bounds(usable[usable.length - 1]!));
  return { offsetMs: Math.round((low + high) / 2), uncertaintyMs: Math.ceil((high - low) / 2) };
}

const SAMPLES = 4;
const SPACING_MS = 260;
const REMEASURE_MS = 5 * 60_000;

/** One sample: a small GET that every signed-in user may make. */
async function sample(signal: AbortSignal): Promise<ClockSample | null> {
  const sentAt = Date.now();
  const res = await fetch('/api/auth/me', { cache: 'no-store', credentials: 'same-origin', signal });
  const receivedAt = Date.now();
  const date = res.headers.get('date');
  await res.body?.cancel();
  const serverSecond = date ? Date.parse(date) : NaN;
  return Number.isFinite(serverSecond) ? { sentAt, receivedAt, serverSecond } : null;
}

/** The measured offset (null until measured, or when the server sends no Date header); re-measured every five minutes. */
export function useServerClockOffset(): ClockOffset | null {
  const [offset, setOffset] = useState<ClockOffset | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    const measure = async () => {
      const samples: ClockSample[] = [];
      for (let i = 0; i < SAMPLES && !ac.signal.aborted; i++) {
        try {
          const s = await sample(ac.signal);
          if (s) samples.push(s);
        } catch {
          // Offline for a moment: measure with what we have.
        }
        // Show the time from the first answer on; each further sample narrows it.
        const o = offsetFromSamples(samples);
        if (o && !ac.signal.aborted) setOffset(o);
        if (i < SAMPLES - 1) await new Promise((r) => setTimeout(r, SPACING_MS));
      }
    };
    void measure();
    const timer = setInterval(() => void measure(), REMEASURE_MS);
    return () => {
      ac.abort();
      clearInterval(timer);
    };
  }, []);
  return offset;
}

/** The true time now, ticking every quarter second (null until the offset is measured). */
export function useTrueNow(offset: ClockOffset | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return offset ? now + offset.offsetMs : null;
}
