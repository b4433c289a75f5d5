import path from 'node:path';
import { AccessRepo, AccessService } from './access/index.js';
import { AuditLedger, AuditRepo, loadOrCreateSiteKey, verifySite } from './audit/index.js';
import { VerifyJobs } from './audit/verify-job.js';
import { CasesRepo, CasesService } from './cases/index.js';
import type { Config } from './config.js';
import { DevicesRepo, DevicesService } from './devices/index.js';
import { Authorizer, IdentityRepo, IdentityService, SecretBox, SessionService, SiteSettings, StepUp, UnitTree } from './identity/index.js';
import { compilePatterns } from './ingest/file-names.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { FsBlobStore } from './platform/blobs/fs-store.js';
import { HashPool } from './platform/blobs/hash-pool.js';
import { systemClock, type Clock } from './platform/clock.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { armFailpoint } from './platform/failpoints.js';
import { withInitLock } from './platform/init-lock.js';
import { JobQueue } from './platform/jobs/queue.js';
import type { Logger } from './platform/log.js';
import { resolveMediaBinaries } from './platform/media/binaries.js';
import { MediaTools } from './platform/media/ffmpeg.js';
import { derivativeDirOf, derivativeJobs, RecordingsRepo, RecordingsService } from './recordings/index.js';
import { ProfilesService, RetentionRepo, RetentionService } from './retention/index.js';
import { OverviewRepo, OverviewService } from './supervision/index.js';

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
  /** Units and people (the directory). */
  identity: IdentityService;
  /** Sign-in, sessions, tokens, authenticators. */
  sessions: SessionService;
  /** The one authorization rule with its facts gathered; every service asks it. */
  authz: Authorizer;
  stepUp: StepUp;
  settings: SiteSettings;
  units: UnitTree;
  recordingsRepo: RecordingsRepo;
  recordings: RecordingsService;
  /** Access requests, approvals, grants and the access register. */
  access: AccessService;
  /** Cases and enforcement activities, their recordings, work records. */
  cases: CasesService;
  /** Regulation profiles: shipped and edited versions, per unit tree. */
  profiles: ProfilesService;
  /** Retention: marks, holds, expiry, deletion batches, tombstones. */
  retention: RetentionService;
  /** The device registry and the issue/return desk. */
  devices: DevicesService;
  /** The overview of a unit subtree (dashboard figures). */
  overview: OverviewService;
  /** "Verify now": one background site verification at a time, its progress and result. */
  verification: VerifyJobs;
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
    const hashes = new HashPool();
    const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'), hashes);
    await blobs.init();
    const media = new MediaTools(resolveMediaBinaries({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath, envPath: env.PATH }));
    const auditRepo = new AuditRepo(db);
    const ledger = new AuditLedger(db, auditRepo, clock, key);
    await ledger.init();
    const identityRepo = new IdentityRepo(db);
    const units = new UnitTree(db);
    const settings = new SiteSettings(db, ledger, clock);
    const authz = new Authorizer(units, ledger, () => settings.policy());
    const box = new SecretBox(key.privateKey, 'totp-v1');
    const stepUp = new StepUp(db, ledger, settings, box, clock);
    const identity = new IdentityService(db, identityRepo, ledger, clock, units, authz);
    const sessions = new SessionService(db, identityRepo, ledger, clock, config.sessionTtlHours * 3600_000, stepUp, box, config.siteName);
    await identity.ensureRootUnit(config.siteName);
    const jobs = new JobQueue(db, clock, log);
    const recordingsRepo = new RecordingsRepo(db);
    const profiles = new ProfilesService(db, ledger, authz, units, clock, config.timeZone);
    await profiles.seedShipped();
    const casesRepo = new CasesRepo(db);
    const access = new AccessService(db, new AccessRepo(db), recordingsRepo, ledger, authz, stepUp, settings, clock, { cases: casesRepo, profiles });
    const recordings = new RecordingsService(db, recordingsRepo, ledger, jobs, blobs, authz, access, profiles, clock, config.uploadDeadlineHours, config.timeZone);
    await recordings.assignMissingCodes();
    const cases = new CasesService(db, casesRepo, recordingsRepo, ledger, authz, identity, clock, profiles);
    const derivativesRoot = path.join(config.dataDir, 'derivatives');
    const retention = new RetentionService(db, new RetentionRepo(db), profiles, ledger, authz, stepUp, blobs, (id) => derivativeDirOf(derivativesRoot, id), clock, config.timeZone);
    recordings.useAnnotators({ retention, cases: { caseIdsOf: async (actor, row) => (await cases.casesOfRecording(actor, row.id)).map((c) => c.id) } });
    jobs.register(derivativeJobs({ db, repo: recordingsRepo, ledger, blobs, media, clock, root: derivativesRoot }));
    const patterns = compilePatterns(config.fileNamePatterns);
    const devices = new DevicesService(db, new DevicesRepo(db), ledger, clock, authz, stepUp, identity, units);
    const overview = new OverviewService(new OverviewRepo(db), authz, retention, clock, config.timeZone);
    const verification = new VerifyJobs((onProgress) => verifySite(db, auditRepo, blobs, onProgress), ledger, clock);
    const ingest = new IngestPipeline({ db, blobs, media, recordings, ledger, clock, log, timeZone: config.timeZone, patterns, custody: devices, officers: identity });
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
      sessions,
      authz,
      stepUp,
      settings,
      units,
      recordingsRepo,
      recordings,
      access,
      cases,
      profiles,
      retention,
      devices,
      overview,
      verification,
      ingest,
      siteKeyCreated: created,
      close: async () => {
        await verification.settled();
        await jobs.stop();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
