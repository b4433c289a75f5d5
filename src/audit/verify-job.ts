import type { Clock } from '../platform/clock.js';
import { Conflict } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AuditEvent } from './leaf.js';
import type { Problem, VerifyProgress, VerifyReport } from './verify-site.js';

/** How far a verification has come, per phase (the ledger first, then every stored original). */
export interface VerifyJobProgress {
  phase: VerifyProgress['phase'] | 'starting';
  ledger: { done: number; total: number };
  /** Null until the originals are being re-hashed. */
  blobs: { done: number; total: number } | null;
}

/** A finished verification, with at most `LISTED` problems and notices named (all are counted). */
export interface VerifyJobResult {
  ok: boolean;
  ledger: VerifyReport['ledger'];
  blobs: VerifyReport['blobs'];
  tombstones: number;
  problemCount: number;
  problems: Problem[];
  noticeCount: number;
  notices: Problem[];
}

export interface VerifyJobView {
  id: string;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  startedBy: { id: string; name: string } | null;
  finishedAt: number | null;
  progress: VerifyJobProgress;
  result: VerifyJobResult | null;
  /** Why the run itself failed (not a problem it found: those are in `result`). */
  error: string | null;
}

const LISTED = 100;

/** Runs one site verification (verifySite) with a progress callback. */
export type SiteVerification = (onProgress: (p: VerifyProgress) => void) => Promise<VerifyReport>;

/** Where the finished run is noted (the audit ledger's `record`). */
export interface VerifyRecorder {
  record(event: AuditEvent): Promise<number>;
}

/**
 * "Verify now" from the browser: one site verification at a time in this process, in the
 * background, its progress and result kept in memory for whoever asks next (the last run stays
 * until the next one starts). The finished run is itself an entry in the ledger (`audit.verify`:
 * who asked, the outcome, the counts), so the ledger shows when the site was last checked.
 */
export class VerifyJobs {
  private job: VerifyJobView | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly verify: SiteVerification,
    private readonly recorder: VerifyRecorder,
    private readonly clock: Clock,
  ) {}

  /** Starts a verification; refuses (409 `verification_running`) while one runs. */
  start(by: { id: string; name: string } | null): VerifyJobView {
    if (this.job?.state === 'running') throw Conflict('verification_running', 'a verification is already running; follow its progress', { jobId: this.job.id });
    const now = this.clock.now();
    const job: VerifyJobView = {
      id: newId(now),
      state: 'running',
      startedAt: now,
      startedBy: by,
      finishedAt: null,
      progress: { phase: 'starting', ledger: { done: 0, total: 0 }, blobs: null },
      result: null,
      error: null,
    };
    this.job = job;
    this.running = this.run(job);
    return this.snapshot(job);
  }

  /** The running or last verification of this process; null before the first. */
  current(): VerifyJobView | null {
    return this.job ? this.snapshot(this.job) : null;
  }

  /** Resolves when the running verification (if any) has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.running;
  }

  private async run(job: VerifyJobView): Promise<void> {
    // Let the request that started it answer first.
    await new Promise((r) => setImmediate(r));
    try {
      const report = await this.verify((p) => {
        job.progress.phase = p.phase;
        if (p.phase === 'ledger') job.progress.ledger = { done: p.done, total: p.total };
        else {
          job.progress.ledger.done = job.progress.ledger.total;
          job.progress.blobs = { done: p.done, total: p.total };
        }
      });
      job.result = {
        ok: report.ok,
        ledger: report.ledger,
        blobs: report.blobs,
        tombstones: report.tombstones,
        problemCount: report.problems.length,
        problems: report.problems.slice(0, LISTED),
        noticeCount: report.notices.length,
        notices: report.notices.slice(0, LISTED),
      };
      job.state = 'done';
    } catch (e) {
      job.state = 'failed';
      job.error = e instanceof Error ? e.message : String(e);
    }
    job.finishedAt = this.clock.now();
    try {
      await this.recorder.record({
        actor: job.startedBy,
        action: 'audit.verify',
        subject: null,
        details: {
          job: job.id,
          state: job.state,
          ok: job.result?.ok ?? false,
          problems: job.result?.problemCount ?? null,
          entries: job.result?.ledger.entries ?? null,
          originals: job.result?.blobs.checked ?? null,
          error: job.error,
        },
      });
    } catch {
      // The verdict stands on its own; a ledger that cannot take the note is among what the run reports.
    }
  }

  private snapshot(job: VerifyJobView): VerifyJobView {
    return structuredClone(job);
  }
}
