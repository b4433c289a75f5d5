import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from '../app.js';
import { toActor, type Actor, type RequestMeta } from '../identity/index.js';
import { DEMO_DEVICES, DEMO_PASSWORD, DEMO_PEOPLE, DEMO_STATION, DEMO_UNITS, deviceCoded } from './cast.js';
import { clipTools, deriveClip, makeBaseClip, type ClipStyle } from './clips.js';
import type { HistoryClock } from './history-clock.js';
import { planDemo, type DemoPlan, type DemoStep, type PlannedFile } from './plan.js';
import { completeDemoSite, markDemoSite } from './site-mode.js';

/** What the demo needs of the site: the real services, nothing reached around them. */
export type DemoSite = Pick<App, 'config' | 'db' | 'ledger' | 'identity' | 'devices' | 'ingest' | 'cases' | 'access' | 'retention' | 'profiles' | 'recordings' | 'media' | 'jobs'>;

export interface DemoProgress {
  phase: 'videos' | 'history' | 'thumbnails';
  done: number;
  total: number;
}

export interface DemoOptions {
  /** Recordings in all (default 300). */
  recordings: number;
  seed?: number | undefined;
  /** Make every recording's thumbnail strip now (otherwise the server's worker makes them). */
  thumbnails?: boolean | undefined;
  onProgress?: ((p: DemoProgress) => void) | undefined;
}

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: string[];
  unit: string;
}

export interface DemoReport {
  recordings: number;
  bytes: number;
  ledgerEntries: number;
  /** The simulated history's interval. */
  from: number;
  to: number;
  accounts: DemoAccount[];
  /** The demo made the `admin` account (with the demo password); false when it existed already. */
  adminCreated: boolean;
  ms: { videos: number; history: number; thumbnails: number; total: number };
}

const META: RequestMeta = { ip: null, userAgent: 'custodia-demo' };

/** One base clip per officer: its pattern, tone and length. */
const STYLES: readonly Omit<ClipStyle, 'caption'>[] = [
  { pattern: 'testsrc2', toneHz: 440, seconds: 8, hue: 0 },
  { pattern: 'smptebars', toneHz: 523, seconds: 7, hue: 40 },
  { pattern: 'testsrc', toneHz: 587, seconds: 9, hue: 80 },
  { pattern: 'testsrc2', toneHz: 659, seconds: 6, hue: 160 },
  { pattern: 'rgbtestsrc', toneHz: 698, seconds: 8, hue: 200 },
  { pattern: 'smptebars', toneHz: 784, seconds: 10, hue: 260 },
  { pattern: 'testsrc', toneHz: 880, seconds: 7, hue: 320 },
];

async function inParallel<T>(items: readonly T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/**
 * Loads the demo site into a new site through the real services: units and their regulation
 * profiles, people of every role, recorders and their loans with clock readings, recordings
 * imported from generated video files (each with its ledger entry, unified code and profile
 * version), cases, access requests, retention marks, holds and a proposed deletion, work records.
 * Refuses a site that is not new (see site-mode.ts); marks the site a demo before anything else.
 */
export class DemoLoader {
  private readonly actors = new Map<string, Actor>();
  private readonly recordingIds = new Map<string, string>();
  private readonly keyIds = new Map<string, string>();
  private readonly unitIds = new Map<string | null, string>();
  private readonly deviceIds = new Map<string, string>();

  constructor(
    private readonly site: DemoSite,
    private readonly clock: HistoryClock,
  ) {}

  async load(opts: DemoOptions): Promise<DemoReport> {
    const started = Date.now();
    const { site, clock } = this;
    const plan = planDemo({ now: clock.now(), recordings: opts.recordings, timeZone: site.config.timeZone, seed: opts.seed });
    await markDemoSite(site.db, site.ledger, clock, { loadedAt: clock.now(), simulatedFrom: plan.from, simulatedTo: plan.to });

    const work = await mkdtemp(path.join(tmpdir(), 'custodia-demo-'));
    try {
      const sources = await this.makeVideos(plan, work, opts.onProgress);
      const videosDone = Date.now();

      let adminCreated = false;
      if (!(await site.identity.userByUsername('admin'))) {
        await site.identity.addUser({ username: 'admin', password: DEMO_PASSWORD, roles: ['admin'], displayName: '系统管理员', mustChangePassword: false }, null, META);
        adminCreated = true;
      }
      clock.startAt(plan.from);
      for (const [i, step] of plan.steps.entries()) {
        clock.advanceTo(step.at);
        await this.play(step, sources);
        opts.onProgress?.({ phase: 'history', done: i + 1, total: plan.steps.length });
      }
      clock.toRealTime();
      await completeDemoSite(site.db, site.ledger, clock);
      await site.ledger.signHead();
      const historyDone = Date.now();

      if (opts.thumbnails) await this.makeThumbnails(opts.onProgress);
      const thumbnailsDone = Date.now();

      const bytes = Number((await site.db.kysely.selectFrom('recordings').select((eb) => eb.fn.sum<number>('size').as('b')).executeTakeFirstOrThrow()).b ?? 0);
      const unitName = new Map(DEMO_UNITS.map((u) => [u.code, u.name]));
      return {
        recordings: this.recordingIds.size,
        bytes,
        ledgerEntries: (await site.ledger.state()).size,
        from: plan.from,
        to: plan.to,
        accounts: [
          { username: 'admin', displayName: '系统管理员', roles: ['admin'], unit: '' },
          ...DEMO_PEOPLE.map((p) => ({ username: p.username, displayName: p.displayName, roles: [...p.roles], unit: p.unit ? unitName.get(p.unit)! : '' })),
        ],
        adminCreated,
        ms: { videos: videosDone - started, history: historyDone - videosDone, thumbnails: thumbnailsDone - historyDone, total: Date.now() - started },
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** The video files, one folder per docking: a base clip per officer, then a remux per recording. */
  private async makeVideos(plan: DemoPlan, work: string, onProgress: DemoOptions['onProgress']): Promise<Map<PlannedFile[], string>> {
    const tools = await clipTools(this.site.media.bin.ffmpeg);
    const officers = DEMO_PEOPLE.filter((p) => p.roles.includes('officer'));
    const bases = new Map<string, string>();
    const total = officers.length + plan.files.length;
    let done = 0;
    const tick = () => onProgress?.({ phase: 'videos', done: ++done, total });
    await inParallel(officers, 2, async (p, i) => {
      const device = DEMO_DEVICES.find((d) => d.officer === p.username);
      const file = path.join(work, `base-${p.username}.mp4`);
      await makeBaseClip(tools, file, { ...STYLES[i % STYLES.length]!, caption: `演示 DEMO · ${p.displayName} · 警号 ${p.badge ?? ''} · ${device?.serial ?? ''}` });
      bases.set(p.username, file);
      tick();
    });
    const folders = new Map<PlannedFile[], string>();
    const jobs: Array<{ file: PlannedFile; out: string }> = [];
    for (const [i, step] of plan.steps.entries()) {
      if (step.kind !== 'import') continue;
      const folder = path.join(work, 'dock', `${String(i).padStart(4, '0')}-${deviceCoded(step.device).serial}`);
      await mkdir(folder, { recursive: true });
      folders.set(step.files, folder);
      for (const file of step.files) jobs.push({ file, out: path.join(folder, file.name) });
    }
    await inParallel(jobs, 4, async ({ file, out }) => {
      await deriveClip(tools, bases.get(file.officer)!, out, { title: `Custodia demo ${file.key} (fictitious)`, creationTime: file.deviceStartedAt });
      tick();
    });
    return folders;
  }

  private async makeThumbnails(onProgress: DemoOptions['onProgress']): Promise<void> {
    const queued = async () => (await this.site.jobs.counts()).queued ?? 0;
    const total = await queued();
    let done = 0;
    // Two workers: the queue's claim is a compare-and-set, so they never run the same job.
    await Promise.all(
      [0, 1].map(async () => {
        while (await this.site.jobs.runOne()) onProgress?.({ phase: 'thumbnails', done: Math.min(total, ++done), total });
      }),
    );
  }

  private actor(username: string): Actor {
    const a = this.actors.get(username);
    if (!a) throw new Error(`demo actor ${username} is not set up`);
    return a;
  }

  private recording(key: string): string {
    const id = this.recordingIds.get(key);
    if (!id) throw new Error(`demo recording ${key} was not imported`);
    return id;
  }

  private async play(step: DemoStep, sources: Map<PlannedFile[], string>): Promise<void> {
    const { site } = this;
    switch (step.kind) {
      case 'setup':
        return this.setup();
      case 'issue': {
        const d = deviceCoded(step.device);
        const officer = this.actor(step.officer);
        await site.devices.issueDevice(this.actor(d.keeper), this.deviceIds.get(d.code)!, { officerId: officer.id, dueAt: step.dueAt, check: { batteryPercent: step.battery, storageState: 'ok', clock: { clockOffsetMs: step.offsetMs } } }, META);
        return;
      }
      case 'return': {
        const d = deviceCoded(step.device);
        await site.devices.returnDevice(this.actor(d.keeper), this.deviceIds.get(d.code)!, { batteryPercent: step.battery, storageState: 'ok', clock: { clockOffsetMs: step.offsetMs } }, META);
        return;
      }
      case 'import': {
        const d = deviceCoded(step.device);
        const result = await site.ingest.importSource(sources.get(step.files)!, { sourceKind: 'dock', unitId: this.unitIds.get(d.unit)!, station: DEMO_STATION, actor: this.actor('wu.collector'), meta: META });
        const byName = new Map(step.files.map((f) => [f.name, f.key]));
        for (const item of result.files) {
          if (item.status !== 'imported' || !item.recordingId) throw new Error(`demo import of ${item.path} ended ${item.status}: ${item.error ?? ''}`);
          this.recordingIds.set(byName.get(path.basename(item.path))!, item.recordingId);
        }
        return;
      }
      case 'fault':
        await site.devices.reportFault(this.actor(step.by), this.deviceIds.get(step.device)!, { cause: step.cause, description: step.description }, META);
        return;
      case 'repair':
        await site.devices.sendToRepair(this.actor(step.by), this.deviceIds.get(step.device)!, { repairer: step.repairer, reference: step.reference }, META);
        return;
      case 'case': {
        const by = this.actor(step.by);
        const c = await site.cases.create(
          by,
          {
            number: step.number,
            kind: step.caseKind,
            title: step.title,
            caseType: step.caseType,
            unitId: this.unitIds.get(step.unit)!,
            supervisedParty: step.supervisedParty,
            officerIds: step.officers.map((u) => this.actor(u).id),
            documentsStartedAt: step.documents[0],
            documentsEndedAt: step.documents[1],
          },
          META,
        );
        this.keyIds.set(step.key, c.id);
        await site.cases.link(by, c.id, step.recordings.map((k) => this.recording(k)), '现场执法记录', META);
        return;
      }
      case 'long_term':
        await site.retention.markLongTerm(this.actor(step.by), this.recording(step.recording), step.reasonId, step.note, META);
        return;
      case 'hold':
        await site.retention.placeHold(this.actor(step.by), this.recording(step.recording), step.reason, step.reference, META);
        return;
      case 'sensitivity':
        await site.recordings.setSensitivity(this.actor(step.by), this.recording(step.recording), step.level, step.reason, META);
        return;
      case 'request': {
        const r = await site.access.request(this.actor(step.by), { recordingIds: step.recordings.map((k) => this.recording(k)), action: step.action, reason: step.reason, reasonText: step.reasonText }, META);
        this.keyIds.set(step.key, r.id);
        return;
      }
      case 'approve':
        await site.access.approve(this.actor(step.by), this.keyIds.get(step.request)!, { reason: step.reason }, META);
        return;
      case 'reject':
        await site.access.reject(this.actor(step.by), this.keyIds.get(step.request)!, step.reason, META);
        return;
      case 'use':
        // The use is registered (ledger + access register) when the content is opened.
        await site.recordings.openContent(this.actor(step.by), this.recording(step.recording), step.action, null, META);
        return;
      case 'work_record': {
        const w = await site.cases.fileWorkRecord(
          this.actor(step.by),
          {
            kind: step.recordKind,
            caseId: step.case ? this.keyIds.get(step.case) : undefined,
            recordingId: step.recording ? this.recording(step.recording) : undefined,
            occurredAt: step.occurredAt,
            activity: step.activity,
            reason: step.reason,
            statedOnRestart: step.statedOnRestart,
            legalBasis: step.legalBasis,
          },
          META,
        );
        this.keyIds.set(step.key, w.id);
        return;
      }
      case 'decide_work_record':
        await site.cases.decideWorkRecord(this.actor(step.by), this.keyIds.get(step.workRecord)!, step.approve, step.reason, META);
        return;
      case 'propose_expired':
        // What the server's daily retention run does: propose, for approval, what has expired.
        await site.retention.proposeExpired(null, META);
        return;
    }
  }

  /** Units with their profiles, people, recorders — through the same calls the CLI makes. */
  private async setup(): Promise<void> {
    const { site } = this;
    this.unitIds.set(null, (await site.identity.resolveUnit(undefined)).id);
    for (const u of DEMO_UNITS) {
      const row = await site.identity.addUnit({ code: u.code, name: u.name, parentCode: u.parent ?? undefined }, null, META);
      this.unitIds.set(u.code, row.id);
      if (u.profile) await site.profiles.assign(null, row.id, u.profile, undefined, '演示站点：本单位执行的规定', META);
    }
    for (const p of DEMO_PEOPLE) {
      const row = await site.identity.addUser(
        { username: p.username, password: DEMO_PASSWORD, roles: p.roles, unitId: this.unitIds.get(p.unit)!, badge: p.badge, displayName: p.displayName, clearance: p.clearance, mustChangePassword: false },
        null,
        META,
      );
      this.actors.set(p.username, toActor(row, { kind: 'cli', id: 'custodia-demo' }));
    }
    for (const d of DEMO_DEVICES) {
      const keeper = this.actor(d.keeper);
      const view = await site.devices.registerDevice(keeper, { code: d.code, serial: d.serial, model: d.model, kind: 'body_worn', unitId: this.unitIds.get(d.unit)!, keeperId: keeper.id, assetNumber: `ZC-${d.code}` }, META);
      this.deviceIds.set(d.code, view.id);
    }
  }
}
