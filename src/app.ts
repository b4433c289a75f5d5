import path from 'node:path';
import { AuditLedger, AuditRepo, loadOrCreateSiteKey } from './audit/index.js';
import type { Config } from './config.js';
import { IdentityRepo, IdentityService } from './identity/index.js';
import { compilePatterns } from './ingest/file-names.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { FsBlobStore } from './platform/blobs/fs-store.js';
import { systemClock, type Clock } from './platform/clock.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { armFailpoint } from './platform/failpoints.js';
import { withInitLock } from './platform/init-lock.js';
import { JobQueue } from './platform/jobs/queue.js';
import type { Logger } from './platform/log.js';
import { resolveMediaBinaries } from './platform/media/binaries.js';
import { MediaTools } from './platform/media/ffmpeg.js';
import { derivativeJobs, RecordingsRepo, RecordingsService } from './recordings/index.js';

/** Every service of one Custodia site, wired once (the composition root; capabilities never wire each other). */
export interface App {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Database;
  blobs: FsBlobStore;
  media: MediaTools;
  jobs: JobQueue;
  ledger: AuditLedger;
  auditRepo: AuditRepo;
  identity: IdentityService;
  recordingsRepo: RecordingsRepo;
  recordings: RecordingsService;
  ingest: IngestPipeline;
  /** True when this start created the site signing key (a new site). */
  siteKeyCreated: boolean;
  close(): Promise<void>;
}

export async function openApp(config: Config, log: Logger, env: { PATH?: string | undefined }, clock: Clock = systemClock): Promise<App> {
  armFailpoint(config.failpoint);
  const db = openDatabase(config.databaseUrl);
  try {
    const { key, created } = await withInitLock(config.dataDir, async () => {
      await migrateToLatest(db);
      return loadOrCreateSiteKey(config.dataDir);
    });
    const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'));
    await blobs.init();
    const media = new MediaTools(resolveMediaBinaries({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath, envPath: env.PATH }));
    const auditRepo = new AuditRepo(db);
    const ledger = new AuditLedger(db, auditRepo, clock, key);
    await ledger.init();
    const identityRepo = new IdentityRepo(db);
    const identity = new IdentityService(db, identityRepo, ledger, clock, config.sessionTtlHours * 3600_000);
    await identity.ensureRootUnit(config.siteName);
    const jobs = new JobQueue(db, clock, log);
    const recordingsRepo = new RecordingsRepo(db);
    const recordings = new RecordingsService(db, recordingsRepo, ledger, jobs, blobs, identity, clock, config.uploadDeadlineHours);
    jobs.register(derivativeJobs({ db, repo: recordingsRepo, ledger, blobs, media, clock, root: path.join(config.dataDir, 'derivatives') }));
    const patterns = compilePatterns(config.fileNamePatterns);
    const ingest = new IngestPipeline({ db, blobs, media, recordings, ledger, clock, log, timeZone: config.timeZone, patterns });
    return {
      config,
      log,
      clock,
      db,
      blobs,
      media,
      jobs,
      ledger,
      auditRepo,
      identity,
      recordingsRepo,
      recordings,
      ingest,
      siteKeyCreated: created,
      close: async () => {
        await jobs.stop();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
