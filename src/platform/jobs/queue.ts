import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Database, Executor } from '../db/database.js';
import { newId } from '../ids.js';
import type { Logger } from '../log.js';

/** What a job handler reports. Jobs are idempotent: running one twice gives the same end state. */
export type JobOutcome = { status: 'done'; detail?: string } | { status: 'skipped'; reason: string } | { status: 'failed'; reason: string; retry?: boolean };

export interface JobDefinition<S extends z.ZodType> {
  payload: S;
  maxAttempts: number;
  handle(payload: z.infer<S>, ctx: { reportProgress(fraction: number): Promise<void> }): Promise<JobOutcome>;
}

export type JobCatalogue = Record<string, JobDefinition<z.ZodType>>;

/** Declares one job with its payload type inferred from its schema. */
export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<z.ZodType> {
  return def;
}

/**
 * A durable job queue in the database (works on SQLite and PostgreSQL): jobs are rows, claimed
 * with a lease, so a worker that dies leaves its job to be retried after the lease expires.
 */
export class JobQueue {
  private catalogue: JobCatalogue = {};
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Registers handlers; each job name has exactly one (checked here, at start-up). */
  register(defs: JobCatalogue): void {
    for (const [name, def] of Object.entries(defs)) {
      if (this.catalogue[name]) throw new Error(`job ${name} has two handlers`);
      this.catalogue[name] = def;
    }
  }

  /** Queues a job inside the caller's transaction, so it exists only if the change committed. */
  async enqueue(ex: Executor, name: string, payload: unknown, runAfter = 0): Promise<string> {
    const def = this.catalogue[name];
    if (!def) throw new Error(`unknown job ${name}`);
    const id = newId();
    const now = this.clock.now();
    await ex
      .insertInto('jobs')
      .values({ id, name, payload: JSON.stringify(def.payload.parse(payload)), status: 'queued', attempts: 0, run_after: runAfter || now, locked_until: null, result: null, progress: 0, created_at: now, updated_at: now })
      .execute();
    this.wake?.();
    return id;
  }

  /** Claims and runs one ready job; returns false when none is ready. */
  async runOne(): Promise<boolean> {
    const now = this.clock.now();
    const candidates = await this.db.kysely
      .selectFrom('jobs')
      .select(['id', 'name', 'payload', 'attempts'])
      .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)])]))
      .orderBy('run_after')
      .limit(5)
      .execute();
    for (const job of candidates) {
      const lease = now + 15 * 60_000;
      const claimed = await this.db.kysely
        .updateTable('jobs')
        .set({ status: 'running', locked_until: lease, attempts: job.attempts + 1, updated_at: now })
        .where('id', '=', job.id)
        .where('attempts', '=', job.attempts)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      await this.execute(job.id, job.name, job.payload, job.attempts + 1);
      return true;
    }
    return false;
  }

  private async execute(id: string, name: string, payloadText: string, attempt: number): Promise<void> {
    const def = this.catalogue[name];
    let outcome: JobOutcome;
    if (!def) outcome = { status: 'failed', reason: `no handler for job ${name}` };
    else {
      try {
        const payload: unknown = def.payload.parse(JSON.parse(payloadText));
        outcome = await def.handle(payload, {
          reportProgress: async (fraction) => {
            await this.db.kysely.updateTable('jobs').set({ progress: Math.max(0, Math.min(1, fraction)), updated_at: this.clock.now() }).where('id', '=', id).execute();
          },
        });
      } catch (e) {
        outcome = { status: 'failed', reason: (e as Error).message, retry: true };
      }
    }
    const now = this.clock.now();
    const retry = outcome.status === 'failed' && outcome.retry === true && def !== undefined && attempt < def.maxAttempts;
    await this.db.kysely
      .updateTable('jobs')
      .set({
        status: retry ? 'queued' : outcome.status,
        run_after: retry ? now + 2 ** attempt * 1000 : now,
        locked_until: null,
        result: JSON.stringify(outcome),
        progress: outcome.status === 'done' ? 1 : 0,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    this.log[outcome.status === 'failed' ? 'warn' : 'debug']({ job: id, name, outcome }, 'job finished');
  }

  /** Runs jobs until none is ready (CLI `jobs run`, tests). */
  async runUntilIdle(): Promise<number> {
    let n = 0;
    while (await this.runOne()) n += 1;
    return n;
  }

  /** Starts the in-process worker (embedded shape): polls, and wakes at once when a job is queued here. */
  start(pollMs: number): void {
    const loop = async () => {
      if (this.running) return;
      this.running = true;
      try {
        await this.runUntilIdle();
      } catch (e) {
        this.log.error({ err: e }, 'job worker error');
      } finally {
        this.running = false;
      }
    };
    this.wake = () => setImmediate(() => void loop());
    this.timer = setInterval(() => void loop(), pollMs);
    void loop();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.wake = undefined;
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.kysely.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
