import type { FaultCause } from '../devices/index.js';
import { localDateOf, startOfLocalDay } from '../retention/index.js';
import { DEMO_DEVICES, deviceCoded, personNamed, type DemoDevice } from './cast.js';

/**
 * The demo site's history, decided before anything is written: pure and seeded, so the same
 * inputs give the same site. The last 30 days of duty — recorders issued in the morning, used,
 * returned with a clock reading and docked in the evening (a few days late) — plus a traffic
 * accident filmed by two officers, a market inspection, recordings from four months ago that
 * have expired (or are kept by a case, a long-term mark or a court's hold), access requests in
 * every state, work records, a recorder in repair and one overdue. The service plays the steps in
 * time order through the real services, with the site's clock set to each step's time.
 */

export interface PlannedFile {
  /** Stable key later steps refer to (the recording id is known only after import). */
  key: string;
  officer: string;
  device: string;
  /** True start time (UTC epoch ms) and what the device's clock showed then. */
  startedAt: number;
  deviceStartedAt: number;
  /** The recorder's file name: `<serial7>_<badge6>_<YYYYMMDDhhmmss>_<seq>.MP4`, device-local time. */
  name: string;
}

interface At {
  at: number;
}

export type DemoStep = At &
  (
    | { kind: 'setup' }
    | { kind: 'issue'; device: string; officer: string; dueAt: number; offsetMs: number; battery: number }
    | { kind: 'return'; device: string; offsetMs: number; battery: number }
    | { kind: 'import'; device: string; files: PlannedFile[] }
    | { kind: 'fault'; by: string; device: string; cause: FaultCause; description: string }
    | { kind: 'repair'; by: string; device: string; repairer: string; reference: string }
    | {
        kind: 'case';
        key: string;
        by: string;
        number: string;
        caseKind: 'case' | 'activity';
        title: string;
        caseType: string;
        unit: string;
        supervisedParty?: string;
        officers: string[];
        documents: [number, number];
        recordings: string[];
      }
    | { kind: 'long_term'; by: string; recording: string; reasonId: string; note: string }
    | { kind: 'hold'; by: string; recording: string; reason: string; reference: string }
    | { kind: 'sensitivity'; by: string; recording: string; level: 1 | 2 | 3; reason: string }
    | { kind: 'request'; key: string; by: string; recordings: string[]; action: 'view' | 'download'; reason: string; reasonText?: string }
    | { kind: 'approve'; by: string; request: string; reason: string }
    | { kind: 'reject'; by: string; request: string; reason: string }
    | { kind: 'use'; by: string; recording: string; action: 'recording.view' | 'recording.download' }
    | {
        kind: 'work_record';
        key: string;
        by: string;
        recordKind: 'interrupted' | 'not_recorded';
        occurredAt: number;
        case?: string;
        recording?: string;
        activity: string;
        reason: string;
        statedOnRestart?: boolean;
        legalBasis?: string;
      }
    | { kind: 'decide_work_record'; by: string; workRecord: string; approve: boolean; reason: string }
    | { kind: 'propose_expired' }
  );

export interface DemoPlan {
  /** When the simulated history starts (the site's units, people and recorders appear). */
  from: number;
  /** Its end: the real time the load started. */
  to: number;
  steps: DemoStep[];
  files: PlannedFile[];
}

export interface PlanOptions {
  /** The real time of the load; everything planned happens before it. */
  now: number;
  /** How many recordings in all (at least MIN_DEMO_RECORDINGS). */
  recordings: number;
  timeZone: string;
  seed?: number | undefined;
}

export const MIN_DEMO_RECORDINGS = 16;
export const DEFAULT_DEMO_RECORDINGS = 300;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Days of daily duty simulated before today. */
const DAYS = 30;

/** A small seeded generator (mulberry32): the plan is the same for the same seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `YYYYMMDDhhmmss` of an instant, on the wall clock of `timeZone`. */
export function localStamp(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}${get('month')}${get('day')}${get('hour')}${get('minute')}${get('second')}`;
}

interface Shift {
  device: DemoDevice;
  officer: string;
  issuedAt: number;
  dueAt: number;
  returnedAt: number;
  importAt: number;
  files: PlannedFile[];
}

export function planDemo(opts: PlanOptions): DemoPlan {
  if (!Number.isInteger(opts.recordings) || opts.recordings < MIN_DEMO_RECORDINGS) throw new RangeError(`the demo needs at least ${MIN_DEMO_RECORDINGS} recordings`);
  const rand = generator(opts.seed ?? 20_240_601);
  const tz = opts.timeZone;
  const now = Math.floor(opts.now / 1000) * 1000;
  /** Local wall time `hh:mm` on the day `daysAgo` days before today. */
  const day = (daysAgo: number, h: number, m = 0, s = 0) => startOfLocalDay(localDateOf(now - daysAgo * DAY, tz), tz) + h * HOUR + m * MINUTE + s * 1000;
  const year = (at: number) => localDateOf(at, tz).year;
  const jitter = (ms: number) => Math.floor(rand() * ms);

  const seq = new Map<string, number>();
  const offsetAt = (d: DemoDevice, issuedAt: number, t: number) => Math.round(d.baseOffsetMs + (d.driftMsPerHour * (t - issuedAt)) / HOUR);
  const fileOf = (shift: Shift, key: string, startedAt: number): PlannedFile => {
    const d = shift.device;
    const n = (seq.get(d.code) ?? 0) + 1;
    seq.set(d.code, n);
    const deviceStartedAt = startedAt + offsetAt(d, shift.issuedAt, startedAt);
    const badge = personNamed(shift.officer).badge!;
    return { key, officer: shift.officer, device: d.code, startedAt, deviceStartedAt, name: `${d.serial}_${badge}_${localStamp(deviceStartedAt, tz)}_${String(n).padStart(4, '0')}.MP4` };
  };
  const shiftOn = (device: DemoDevice, daysAgo: number): Shift => {
    const issuedAt = day(daysAgo, 8, 0) + jitter(25 * MINUTE);
    const returnedAt = day(daysAgo, 17, 40) + jitter(50 * MINUTE);
    return { device, officer: device.officer!, issuedAt, dueAt: day(daysAgo, 19, 0), returnedAt, importAt: returnedAt + 15 * MINUTE + jitter(25 * MINUTE), files: [] };
  };

  const steps: DemoStep[] = [];
  const from = day(130, 9, 0);
  steps.push({ at: from, kind: 'setup' });

  // Four months ago: a day of the traffic squad whose recordings have since expired under the
  // traffic-police profile (3 months) — except those a case, a long-term mark or a hold keeps.
  const oldShifts = ['TJ-DSJ-01', 'TJ-DSJ-02'].map((code) => shiftOn(deviceCoded(code), 120));
  const [oldZhang, oldLi] = oldShifts as [Shift, Shift];
  oldZhang.files.push(fileOf(oldZhang, 'old-1', day(120, 9, 10)), fileOf(oldZhang, 'old-2', day(120, 11, 30)), fileOf(oldZhang, 'old-3', day(120, 15, 5)));
  oldLi.files.push(fileOf(oldLi, 'old-4', day(120, 9, 11, 30)), fileOf(oldLi, 'old-5', day(120, 14, 40)), fileOf(oldLi, 'old-6', day(120, 16, 20)));

  // The last 30 days of duty. The SJ-ZF-02 recorder went out three days ago and is not back.
  const shifts: Shift[] = [];
  const forced = (code: string, daysAgo: number) => (daysAgo === 6 && (code === 'TJ-DSJ-01' || code === 'TJ-DSJ-02')) || (daysAgo === 9 && (code === 'SJ-ZF-01' || code === 'SJ-ZF-02'));
  for (let daysAgo = DAYS; daysAgo >= 1; daysAgo--) {
    for (const d of DEMO_DEVICES) {
      if (!d.officer || (d.code === 'SJ-ZF-02' && daysAgo <= 3)) continue;
      if (forced(d.code, daysAgo) || rand() < 0.72) shifts.push(shiftOn(d, daysAgo));
    }
  }
  const shiftOf = (code: string, daysAgo: number) => shifts.find((s) => s.device.code === code && s.issuedAt >= day(daysAgo, 0) && s.issuedAt < day(daysAgo - 1, 0))!;
  // A traffic accident six days ago, filmed by two officers three seconds apart; a market inspection nine days ago.
  const incZhang = shiftOf('TJ-DSJ-01', 6);
  const incLi = shiftOf('TJ-DSJ-02', 6);
  incZhang.files.push(fileOf(incZhang, 'incident-1', day(6, 10, 12, 5)));
  incLi.files.push(fileOf(incLi, 'incident-2', day(6, 10, 12, 8)));
  const actZhao = shiftOf('SJ-ZF-01', 9);
  const actYang = shiftOf('SJ-ZF-02', 9);
  actZhao.files.push(fileOf(actZhao, 'activity-1', day(9, 14, 30, 0)));
  actYang.files.push(fileOf(actYang, 'activity-2', day(9, 14, 30, 4)));

  // Everything else: every officer records at least once, the rest falls on random shifts, at
  // random times of the shift at least 20 minutes from any other recording of it.
  const specials = 10;
  const regular = opts.recordings - specials;
  const targets: Shift[] = [];
  for (const officer of [...new Set(shifts.map((s) => s.officer))]) {
    const own = shifts.filter((s) => s.officer === officer);
    targets.push(own[Math.floor(rand() * own.length)]!);
  }
  while (targets.length < regular) targets.push(shifts[Math.floor(rand() * shifts.length)]!);
  let n = 0;
  for (const shift of targets.slice(0, regular)) {
    let t = 0;
    for (let tries = 0; tries < 40; tries++) {
      t = shift.issuedAt + 20 * MINUTE + jitter(shift.returnedAt - shift.issuedAt - 60 * MINUTE);
      if (shift.files.every((f) => Math.abs(f.startedAt - t) >= 20 * MINUTE)) break;
    }
    n += 1;
    shift.files.push(fileOf(shift, `r-${n}`, Math.floor(t / 1000) * 1000));
  }
  // A few shifts docked two days late (after the traffic and police profiles' deadlines).
  const lateCandidates = shifts.filter((s) => s.issuedAt < day(5, 0) && s.files.length > 0 && s.device.unit !== 'SJ' && s !== incZhang && s !== incLi);
  for (let i = 0; i < 4 && lateCandidates.length > 0; i++) {
    const s = lateCandidates.splice(Math.floor(rand() * lateCandidates.length), 1)[0]!;
    s.importAt = s.returnedAt + 2 * DAY - 8 * HOUR + jitter(HOUR);
  }

  for (const s of [...oldShifts, ...shifts]) {
    s.files.sort((a, b) => a.startedAt - b.startedAt);
    const d = s.device;
    steps.push({ at: s.issuedAt, kind: 'issue', device: d.code, officer: s.officer, dueAt: s.dueAt, offsetMs: d.baseOffsetMs, battery: 95 + Math.floor(rand() * 6) });
    steps.push({ at: s.returnedAt, kind: 'return', device: d.code, offsetMs: offsetAt(d, s.issuedAt, s.returnedAt), battery: 20 + Math.floor(rand() * 60) });
    if (s.files.length > 0) steps.push({ at: s.importAt, kind: 'import', device: d.code, files: s.files });
  }
  // Out now: two recorders went out this morning; one has been overdue for three days.
  for (const code of ['TJ-DSJ-01', 'PS-DSJ-01']) {
    const d = deviceCoded(code);
    steps.push({ at: now - 100 * MINUTE, kind: 'issue', device: code, officer: d.officer!, dueAt: now + 8 * HOUR, offsetMs: d.baseOffsetMs, battery: 100 });
  }
  steps.push({ at: day(3, 8, 5), kind: 'issue', device: 'SJ-ZF-02', officer: 'yang.officer', dueAt: day(3, 19, 0), offsetMs: deviceCoded('SJ-ZF-02').baseOffsetMs, battery: 98 });
  // The spare traffic recorder's battery swelled: reported, then sent to the maker.
  steps.push({ at: day(12, 10, 0), kind: 'fault', by: 'sun.custodian', device: 'TJ-DSJ-04', cause: 'battery', description: '电池鼓包，无法充电' });
  steps.push({ at: day(11, 9, 30), kind: 'repair', by: 'sun.custodian', device: 'TJ-DSJ-04', repairer: '厂家售后服务站', reference: 'RMA-0031' });

  // Cases.
  steps.push({
    at: day(119, 10, 0),
    kind: 'case',
    key: 'case-old',
    by: 'zheng.dispatcher',
    number: `示公交〔${year(day(119, 10))}〕第0007号`,
    caseKind: 'case',
    title: '人民路口两车刮擦事故',
    caseType: '交通事故',
    unit: 'TJ-1',
    officers: ['zhang.officer', 'li.officer'],
    documents: [day(120, 9, 0), day(120, 9, 40)],
    recordings: ['old-1', 'old-4'],
  });
  steps.push({
    at: day(5, 8, 30),
    kind: 'case',
    key: 'case-incident',
    by: 'zheng.dispatcher',
    number: `示公交〔${year(day(5, 8, 30))}〕第0031号`,
    caseKind: 'case',
    title: '解放路追尾事故现场处置',
    caseType: '交通事故',
    unit: 'TJ-1',
    officers: ['zhang.officer', 'li.officer'],
    documents: [day(6, 10, 5), day(6, 10, 40)],
    recordings: ['incident-1', 'incident-2'],
  });
  steps.push({
    at: day(8, 10, 0),
    kind: 'case',
    key: 'case-activity',
    by: 'zheng.dispatcher',
    number: `示市监检〔${year(day(8, 10))}〕第0015号`,
    caseKind: 'activity',
    title: '城东农贸市场食品安全检查',
    caseType: '日常检查',
    unit: 'SJ',
    supervisedParty: '城东农贸市场某生鲜店（虚构）',
    officers: ['zhao.officer', 'yang.officer'],
    documents: [day(9, 14, 20), day(9, 15, 10)],
    recordings: ['activity-1', 'activity-2'],
  });

  // Retention: a long-term mark and a court's hold keep two of the old recordings.
  steps.push({ at: day(110, 15, 0), kind: 'long_term', by: 'zheng.dispatcher', recording: 'old-2', reasonId: 'party_objection', note: '当事人对处罚有异议，已申请行政复议' });
  steps.push({ at: day(100, 11, 0), kind: 'hold', by: 'feng.approver', recording: 'old-3', reason: '法院证据保全通知', reference: `（${year(day(100, 11))}）示0102民保3号` });

  // Access requests in every state. Each names only recordings imported before it.
  const importedBy = new Map<string, number>();
  for (const s of steps) if (s.kind === 'import') for (const f of s.files) importedBy.set(f.key, s.at);
  const unitOf = (f: PlannedFile) => deviceCoded(f.device).unit;
  const known = (at: number, pred: (f: PlannedFile) => boolean, count: number) =>
    [...oldShifts, ...shifts]
      .flatMap((s) => s.files)
      .filter((f) => f.key.startsWith('r-') && importedBy.get(f.key)! < at && pred(f))
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, count)
      .map((f) => f.key);
  const request = (at: number, key: string, by: string, recordings: string[], action: 'view' | 'download', reason: string, reasonText?: string) => {
    if (recordings.length > 0) steps.push({ at, kind: 'request', key, by, recordings, action, reason, ...(reasonText ? { reasonText } : {}) });
    return recordings.length > 0;
  };
  // Approved and in use: legal staff reviewing three recent traffic recordings.
  const quality = known(day(2, 9), (f) => unitOf(f).startsWith('TJ'), 3);
  if (request(day(2, 9, 0), 'req-quality', 'he.supervisor', quality, 'view', 'work_need', '执法规范化季度评查')) {
    steps.push({ at: day(2, 10, 0), kind: 'approve', by: 'feng.approver', request: 'req-quality', reason: '同意，限评查使用' });
    steps.push({ at: day(2, 10, 30), kind: 'use', by: 'he.supervisor', recording: quality[0]!, action: 'recording.view' });
  }
  // Approved, used and expired: a copy for the court.
  request(day(5, 9, 0), 'req-court', 'zheng.dispatcher', ['incident-1'], 'download', 'work_need', '法院调取事故现场视频');
  steps.push({ at: day(5, 10, 0), kind: 'approve', by: 'feng.approver', request: 'req-court', reason: '同意复制一份移送法院' });
  steps.push({ at: day(5, 11, 0), kind: 'use', by: 'zheng.dispatcher', recording: 'incident-1', action: 'recording.download' });
  // Approved: an officer reviewing their own recording after a complaint.
  request(day(1, 15, 0), 'req-complaint', 'zhang.officer', ['incident-1'], 'view', 'work_need', '当事人投诉执法态度，本人核对现场情况');
  steps.push({ at: day(1, 15, 30), kind: 'approve', by: 'feng.approver', request: 'req-complaint', reason: '同意' });
  // Rejected: a collector has no business viewing content.
  const collectorAsk = known(day(4, 9), () => true, 1);
  if (request(day(4, 9, 0), 'req-collector', 'wu.collector', collectorAsk.length > 0 ? collectorAsk : ['activity-1'], 'view', 'other', '核对采集画面是否完整')) {
    steps.push({ at: day(4, 11, 0), kind: 'reject', by: 'feng.approver', request: 'req-collector', reason: '采集完整性请通过校验结果核对，无需调阅内容' });
  }
  // Pending in the approver's inbox.
  request(now - 3 * HOUR, 'req-pending', 'he.supervisor', known(now - 3 * HOUR, (f) => unitOf(f) === 'PS', 2), 'view', 'case_handling', '派出所治安案件复核');

  // A recording involving a minor's privacy.
  const privacy = known(day(7, 9), (f) => unitOf(f) === 'PS', 1);
  if (privacy.length > 0) steps.push({ at: day(7, 9, 0), kind: 'sensitivity', by: 'feng.approver', recording: privacy[0]!, level: 1, reason: '涉及未成年人个人隐私' });

  // Work records: an interruption at the accident (approved), a call-out without a recorder (pending).
  steps.push({
    at: day(5, 8, 50),
    kind: 'work_record',
    key: 'wr-battery',
    by: 'li.officer',
    recordKind: 'interrupted',
    occurredAt: day(6, 10, 25),
    case: 'case-incident',
    recording: 'incident-2',
    activity: '解放路追尾事故现场处置',
    reason: 'battery_exhausted',
    statedOnRestart: true,
  });
  steps.push({ at: day(5, 9, 30), kind: 'decide_work_record', by: 'feng.approver', workRecord: 'wr-battery', approve: true, reason: '情况属实' });
  steps.push({
    at: day(1, 22, 0),
    kind: 'work_record',
    key: 'wr-no-device',
    by: 'wang.officer',
    recordKind: 'not_recorded',
    occurredAt: day(1, 20, 10),
    activity: '夜间接警出警（纠纷调解）',
    reason: 'no_device_available',
    legalBasis: '所内执法记录仪均已领出，依本单位规定事后书面说明',
  });

  // Today: the daily retention run proposes deleting what has expired.
  steps.push({ at: now, kind: 'propose_expired' });

  const order = (s: DemoStep) => (s.kind === 'setup' ? 0 : 1);
  steps.sort((a, b) => a.at - b.at || order(a) - order(b));
  const files = steps.flatMap((s) => (s.kind === 'import' ? s.files : []));
  return { from, to: now, steps, files };
}
