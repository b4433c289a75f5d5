import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CalendarPeriod } from './calendar.js';
import type { Citation, Profile, UploadRule } from './profile-schema.js';
import { SHIPPED_PROFILES, shippedProfile } from './shipped-profiles.js';

/*
 * Pins every shipped profile to the text it came from: each quote must appear in its source
 * (inside the cited article where an article is cited), and each key number must be the number
 * in the phrase it was transcribed from. The seeds are read at test time from ../shared/seeds
 * (beside the repository, as the RFC 6962 fixtures are); a wrong transcription fails here.
 */

const SEEDS_DIR = new URL('../../../shared/seeds/', import.meta.url);
const EXCERPTS_DIR = new URL('./profiles/sources/', import.meta.url);

/** Seed 001 holds five regulations headed 第N篇; a quote must come from its own one. */
function seedPart(text: string, part: string): string {
  const start = text.indexOf(`${part}:`);
  if (start < 0) throw new Error(`no part ${part} in the seed`);
  const next = text.slice(start + part.length).search(/第[一二三四五六七八九十]+篇:/);
  return next < 0 ? text.slice(start) : text.slice(start, start + part.length + next);
}

function sourceText(p: Profile): string | null {
  switch (p.source.kind) {
    case 'seed': {
      const text = readFileSync(new URL(p.source.file, SEEDS_DIR), 'utf8');
      return p.source.part === null ? text : seedPart(text, p.source.part);
    }
    case 'external':
      return readFileSync(new URL(p.source.excerptFile, EXCERPTS_DIR), 'utf8');
    case 'derived':
      return null;
  }
}

/** Copies of a text differ in line breaks and spaces inside lists; compare without them. */
const squeeze = (s: string): string => s.replace(/[\s\u3000]+/g, '');

/** Every quote citation in a profile, with where it sits. */
function quotes(value: unknown, path = ''): { path: string; citation: Extract<Citation, { kind: 'quote' }> }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => quotes(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const here = o.kind === 'quote' && typeof o.quote === 'string' ? [{ path, citation: o as Extract<Citation, { kind: 'quote' }> }] : [];
  return [...here, ...Object.entries(o).flatMap(([k, v]) => quotes(v, path ? `${path}.${k}` : k))];
}

/**
 * The text of the article a reference cites (第N条/條 … up to the next article heading); null
 * when the reference is not an article (三、(三)2, 4.6.1, a lost number); '' when the text has no
 * such article.
 */
function articleText(text: string, ref: string): string | null {
  const m = /^第[一二三四五六七八九十百]+[条條]/.exec(ref);
  if (m === null) return null;
  const heading = new RegExp(`${m[0]}[\\s\\u3000]`);
  const start = text.search(heading);
  if (start < 0) return '';
  const rest = text.slice(start + m[0].length);
  const end = rest.search(/第[一二三四五六七八九十百]+[条條][\s\u3000]/);
  return end < 0 ? text.slice(start) : text.slice(start, start + m[0].length + end);
}

const CN_DIGITS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** The period a phrase states: 3個月, 1年, 半年, 六个月, 6 months. */
function periodInPhrase(phrase: string): CalendarPeriod {
  if (/半年/.test(phrase)) return { months: 6 };
  const m = /(\d+|[一二两三四五六七八九十]+)\s*(個月|个月|年|months?)/.exec(phrase);
  if (m === null) throw new Error(`no period in "${phrase}"`);
  const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : CN_DIGITS[m[1]!];
  if (n === undefined) throw new Error(`cannot read the number in "${phrase}"`);
  return m[2] === '年' ? { months: n * 12 } : { months: n };
}

/** The hours or days an upload phrase states: 24小時內, 24 h, 2日內. */
function deadlineInPhrase(phrase: string): { hours: number } | { days: number } | 'end_of_day' {
  const h = /(\d+)\s*(小時|小时|h\b)/.exec(phrase);
  if (h) return { hours: Number(h[1]) };
  const d = /(\d+)\s*日[內内]/.exec(phrase);
  if (d) return { days: Number(d[1]) };
  if (/每天|當天|当天/.test(phrase)) return 'end_of_day';
  throw new Error(`no deadline in "${phrase}"`);
}

function ruleLength(r: UploadRule): { hours: number } | { days: number } | 'end_of_day' {
  return r.kind === 'within_hours' ? { hours: r.hours } : r.kind === 'within_days' ? { days: r.days } : 'end_of_day';
}

const seedsPresent = existsSync(SEEDS_DIR);
const profile = (id: string): Profile => {
  const p = shippedProfile(id);
  if (p === undefined) throw new Error(`no shipped profile ${id}`);
  return p;
};
const text = (id: string): string => squeeze(sourceText(profile(id)) ?? '');

describe('the seed texts', () => {
  it(`are readable at ${fileURLToPath(SEEDS_DIR)}`, () => {
    expect(seedsPresent, 'the regulation texts (../shared/seeds) must sit beside the repository').toBe(true);
  });
});

describe.runIf(seedsPresent)('every quote is in its source', () => {
  for (const p of SHIPPED_PROFILES.filter((x) => x.source.kind !== 'derived')) {
    it(`${p.id}: every quote appears verbatim, inside the article it cites`, () => {
      const source = sourceText(p)!;
      const all = quotes(p);
      expect(all.length).toBeGreaterThan(0);
      for (const { path, citation } of all) {
        expect(squeeze(source), `${path}: "${citation.quote}"`).toContain(squeeze(citation.quote));
        if (p.source.kind !== 'seed') continue;
        for (const ref of citation.refs) {
          const article = articleText(source, ref);
          if (article === null) continue;
          expect(article, `${path}: the source has no ${ref}`).not.toBe('');
          expect(squeeze(article), `${path}: "${citation.quote}" is not in ${ref}`).toContain(squeeze(citation.quote));
        }
      }
    });
  }
});

/** The key numbers of each profile and the phrase in its source they come from. */
const MINIMUMS: readonly { id: string; minimum: CalendarPeriod | null; phrase: string | null; certainty?: 'inferred' }[] = [
  { id: 'traffic-police', minimum: { months: 3 }, phrase: '執法記錄儀記錄的原始聲像資料保存期限不少于3個月' },
  { id: 'market-management', minimum: { months: 3 }, phrase: '聲像資料至少保存3個月' },
  { id: 'hr-environment-enforcement', minimum: { months: 6 }, phrase: '原始聲像資料保存期限不少于半年' },
  { id: 'zibo-tobacco', minimum: { months: 12 }, phrase: '音像記錄至少保存1年' },
  { id: 'mingshan-hr', minimum: { months: 12 }, phrase: '执法全过程音视频记录最少保存1年' },
  { id: 'yunnan-eshan', minimum: { months: 6 }, phrase: '记录存储时间不少于六个月', certainty: 'inferred' },
  { id: 'public-security-2016', minimum: { months: 6 }, phrase: 'originals kept at least 6 months' },
  { id: 'county-market-supervision', minimum: null, phrase: null },
  { id: 'jiangsu-culture-market', minimum: null, phrase: null },
  { id: 'neiqiu-health', minimum: null, phrase: null },
];

/** Any "keep for N units" phrase, to prove a silent text is silent. */
const RETENTION_PHRASE = /(保存|保存期限|存儲時間|存储时间)[^。;；]{0,8}?(\d+|[一二两三四五六七八九十半]+)\s*(個月|个月|年|日|天)/;

describe.runIf(seedsPresent)('minimum retention, pinned to the phrase it comes from', () => {
  it('every profile with a source is pinned here', () => {
    expect(MINIMUMS.map((m) => m.id).sort()).toEqual(SHIPPED_PROFILES.filter((p) => p.kind !== 'default').map((p) => p.id).sort());
  });

  for (const pin of MINIMUMS) {
    it(`${pin.id}: ${pin.minimum === null ? 'the text sets no period' : `${JSON.stringify(pin.minimum)} ← "${pin.phrase}"`}`, () => {
      const p = profile(pin.id);
      expect(p.retention.minimum.period).toEqual(pin.minimum);
      if (pin.phrase === null) {
        expect(text(pin.id)).not.toMatch(RETENTION_PHRASE);
        expect(p.retention.minimum.note).toMatch(/no|not|sets no/i);
        return;
      }
      expect(text(pin.id)).toContain(squeeze(pin.phrase));
      expect(periodInPhrase(pin.phrase)).toEqual(pin.minimum);
      const basis = p.retention.minimum.basis;
      expect(basis?.kind).toBe('quote');
      if (basis?.kind === 'quote') expect(periodInPhrase(basis.quote)).toEqual(pin.minimum);
      expect(p.retention.minimum.certainty).toBe(pin.certainty ?? 'stated');
    });
  }

  it('the issue\'s examples: traffic police 3 months, Zibo tobacco 1 year, HR 6 months, public security 6 months', () => {
    expect(profile('traffic-police').retention.minimum.period).toEqual({ months: 3 });
    expect(profile('zibo-tobacco').retention.minimum.period).toEqual({ months: 12 });
    expect(profile('hr-environment-enforcement').retention.minimum.period).toEqual({ months: 6 });
    expect(profile('public-security-2016').retention.minimum.period).toEqual({ months: 6 });
  });
});

describe.runIf(seedsPresent)('evidence and long-term rules, pinned', () => {
  it.each<[string, 'case_file' | 'permanent' | null, string | null]>([
    ['traffic-police', 'case_file', '保存期限應當與案卷保存期限相同'],
    ['hr-environment-enforcement', 'case_file', '保存期限應當與案卷保存期限相同'],
    ['zibo-tobacco', 'case_file', '保存期限同案卷保存期限'],
    ['mingshan-hr', 'case_file', '随案卷保存时限保存'],
    ['public-security-2016', 'permanent', 'kept permanently when used as administrative or criminal evidence'],
    ['market-management', null, null],
    ['yunnan-eshan', null, null],
    ['neiqiu-health', null, null],
    ['county-market-supervision', null, null],
    ['jiangsu-culture-market', null, null],
  ])('%s: evidence is kept %s', (id, rule, phrase) => {
    expect(profile(id).retention.evidence.rule).toBe(rule);
    if (phrase === null) expect(text(id)).not.toMatch(/案卷保存/);
    else expect(text(id)).toContain(squeeze(phrase));
  });

  it.each<[string, number, '长期保存' | '永久保存' | null, boolean]>([
    ['traffic-police', 4, '长期保存', true],
    ['hr-environment-enforcement', 4, '长期保存', true],
    ['zibo-tobacco', 5, '长期保存', true],
    ['market-management', 4, '长期保存', true],
    ['neiqiu-health', 4, '长期保存', true],
    ['jiangsu-culture-market', 2, '永久保存', false],
    ['public-security-2016', 4, '永久保存', true],
    ['mingshan-hr', 0, null, true],
    ['yunnan-eshan', 0, null, true],
    ['county-market-supervision', 0, null, true],
  ])('%s: %i long-term categories (%s), list complete: %s', (id, count, term, complete) => {
    const lt = profile(id).retention.longTerm;
    expect(lt.categories).toHaveLength(count);
    expect(lt.term).toBe(term);
    expect(lt.listComplete).toBe(complete);
    if (term === null) expect(text(id)).not.toMatch(/長期保存|长期保存|永久保存/);
    else if (profile(id).source.kind === 'seed') expect(text(id)).toMatch(term === '长期保存' ? /長期保存|长期保存/ : /永久保存/);
  });
});

/** Upload deadlines and the phrase each comes from. */
const DEADLINES: readonly { id: string; rules: { stage: 'collect' | 'archive'; remote: boolean; phrase: string }[] }[] = [
  { id: 'traffic-police', rules: [{ stage: 'collect', remote: false, phrase: '每天工作結束后及時存儲' }] },
  { id: 'market-management', rules: [{ stage: 'collect', remote: false, phrase: '每天存儲' }] },
  {
    id: 'hr-environment-enforcement',
    rules: [
      { stage: 'collect', remote: false, phrase: '每天工作結束后及時將執法記錄儀記錄的聲像資料傳輸到執法記錄儀信息采集工作站' },
      { stage: 'archive', remote: false, phrase: '在每項執法活動結束后的2日內將全過程記錄的聲像資料交至人社局檔案室' },
    ],
  },
  {
    id: 'zibo-tobacco',
    rules: [
      { stage: 'collect', remote: false, phrase: '在當天執法活動結束后,應及時將音像記錄信息存儲' },
      { stage: 'collect', remote: true, phrase: '返回單位后24小時內' },
    ],
  },
  { id: 'yunnan-eshan', rules: [{ stage: 'collect', remote: false, phrase: '应在24小时内按要求将信息储存' }] },
  { id: 'neiqiu-health', rules: [{ stage: 'collect', remote: false, phrase: '行政执法事项结束后24小时内' }] },
  {
    id: 'mingshan-hr',
    rules: [
      { stage: 'collect', remote: false, phrase: '要在24小时内按要求将信息储存' },
      { stage: 'collect', remote: true, phrase: '自回到本单位后24小时内' },
    ],
  },
  { id: 'public-security-2016', rules: [{ stage: 'collect', remote: false, phrase: "stored within 24 h of the duty's end" }] },
  { id: 'county-market-supervision', rules: [] },
  { id: 'jiangsu-culture-market', rules: [] },
];

describe.runIf(seedsPresent)('upload deadlines, pinned to the phrase they come from', () => {
  it('every profile with a source is pinned here', () => {
    expect(DEADLINES.map((d) => d.id).sort()).toEqual(SHIPPED_PROFILES.filter((p) => p.kind !== 'default').map((p) => p.id).sort());
  });

  for (const pin of DEADLINES) {
    it(`${pin.id}: ${pin.rules.length === 0 ? 'no deadline in the text' : pin.rules.map((r) => `${r.stage}${r.remote ? ' (remote)' : ''} ← "${r.phrase}"`).join('; ')}`, () => {
      const rules = profile(pin.id).upload.rules;
      expect(rules).toHaveLength(pin.rules.length);
      if (pin.rules.length === 0) expect(text(pin.id)).not.toMatch(/\d+\s*(小時|小时)|\d+\s*日[內内]/);
      for (const want of pin.rules) {
        const rule = rules.find((r) => r.stage === want.stage && r.remoteWork === want.remote);
        expect(rule, `${want.stage} remote=${want.remote}`).toBeDefined();
        expect(text(pin.id)).toContain(squeeze(want.phrase));
        expect(ruleLength(rule!)).toEqual(deadlineInPhrase(want.phrase));
        if (rule!.basis.kind === 'quote') expect(ruleLength(rule!)).toEqual(deadlineInPhrase(rule!.basis.quote));
      }
    });
  }
});

describe.runIf(seedsPresent)('other key data, pinned', () => {
  it('Mingshan HR: the 13 key contents of 第十条, in order', () => {
    const items = profile('mingshan-hr').spotCheck.checklist;
    expect(items).toHaveLength(13);
    expect(items.map((i) => i.basis.kind === 'quote' && i.basis.refs[0])).toEqual(
      ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'].map((n) => `第十条（${n}）`),
    );
    for (const i of items) expect(text('mingshan-hr')).toContain(squeeze(i.label.zh));
  });

  it.each<[string, string | null, string | null]>([
    ['traffic-police', '为保护您的合法权益，监督我的执法行为，本次执法全程录音录像', '為保護您的合法權益,監督我的執法行為,本次執法全程錄音錄像'],
    ['zibo-tobacco', '为保护您的合法权益，监督我们的执法行为，本次执法过程会录音录像', '為保護您的合法權益,監督我們的執法行為,本次執法過程會錄音錄像'],
    ['yunnan-eshan', '为保护您的合法权益，监督我们的执法行为，本次执法全程录音录像', '为保护您的合法权益,监督我们的执法行为,本次执法全程录音录像'],
    ['mingshan-hr', '为保护您的合法权益，监督我们的执法行为，本次执法全程录音录像', '为保护您的合法权益，监督我们的执法行为，本次执法全程录音录像'],
    ['neiqiu-health', null, null],
    ['hr-environment-enforcement', null, null],
  ])('%s: notification wording', (id, wording, original) => {
    expect(profile(id).notification.wording).toBe(wording);
    if (original !== null) expect(text(id)).toContain(squeeze(original));
    else expect(text(id)).not.toMatch(/規范用語|规范用语/);
  });

  it('HR: the spoken preamble of 第六條', () => {
    expect(profile('hr-environment-enforcement').preamble.template).toBe('今天是×年×月×日，执法人员×××、×××…到××单位进行监督检查。拟定的检查内容有1…2…3…');
    expect(text('hr-environment-enforcement')).toContain(squeeze('今天是×年×月×日,執法人員×××、×××…到××單位進行監督檢查。擬定的檢查內容有1…2…3…'));
  });

  it('Yunnan Eshan: allocation classes A ≥ 1 per 2 officers, B ≥ 1 per 3, C ≥ 2 devices (第六条)', () => {
    expect(profile('yunnan-eshan').devices.classes.map((c) => [c.id, c.officersPerDevice, c.minimumDevices])).toEqual([
      ['A', 2, null],
      ['B', 3, null],
      ['C', null, 2],
    ]);
    for (const phrase of ['原则上不少于每2名行政执法人员1台', '原则上不少于每3名行政执法人员1台', '最少配备数量不少于2台']) expect(text('yunnan-eshan')).toContain(phrase);
  });

  it.each<[string, number, string]>([
    ['jiangsu-culture-market', 2, '保證每個執法小組不少于二人佩帶執法記錄儀'],
    ['zibo-tobacco', 1, '每個稽查中隊至少配備一臺執法記錄儀'],
  ])('%s: at least %i recorder(s) per team ← "%s"', (id, n, phrase) => {
    expect(profile(id).devices.perTeam?.minimum).toBe(n);
    expect(text(id)).toContain(phrase);
  });

  it('seed 000: dynamic passwords (动态密码) at collection, upload and retrieval; access only for its four reasons', () => {
    const p = profile('county-market-supervision');
    expect(p.stepUp.stages).toEqual(['import', 'approve', 'export']);
    expect(text('county-market-supervision')).toContain('分环节设置动态密码');
    expect(p.access.reasons.map((r) => r.id)).toEqual(['complaint', 'reconsideration_litigation', 'quality_assessment', 'other']);
    expect(text('county-market-supervision')).toContain('受理群众投诉,应对行政复议、行政诉讼,开展执法质量考评及其他特殊情况');
    expect(p.access.approvals.find((a) => a.action === 'view')).toMatchObject({ role: 'approver', unitLevel: 'bureau', operator: 'dispatcher' });
  });

  it('Mingshan HR: four exemptions, each needing a work record (第五条)', () => {
    const ex = profile('mingshan-hr').scenarios.exemptions;
    expect(ex.map((e) => e.id)).toEqual(['explosive_zone_without_proof_gear', 'secret_or_privacy', 'emergency', 'objective_impossibility']);
    expect(ex.every((e) => e.workRecord)).toBe(true);
    expect(text('mingshan-hr')).toContain(squeeze('写明无法使用的原因和依据，报执法机构负责人'));
  });

  it('every shipped profile keeps deleted batches restorable for 7 days (no text sets another window)', () => {
    for (const p of SHIPPED_PROFILES) {
      expect(p.deletion.recoveryWindowDays).toBe(7);
      expect(p.deletion.basis.kind).toBe('product');
    }
  });
});

describe('the default profile is derived from the others, and says from which', () => {
  const def = profile('default');
  const others = SHIPPED_PROFILES.filter((p) => p.kind !== 'default');

  it('every derivation names shipped profiles other than itself', () => {
    const ids = new Set(others.map((p) => p.id));
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.kind === 'derived' && Array.isArray(o.from)) for (const id of o.from) expect(ids.has(id as string), String(id)).toBe(true);
        Object.values(o).forEach(walk);
      }
    };
    walk(def);
    expect(quotes(def)).toEqual([]);
  });

  it('its minimum is the longest stated minimum, and names the profiles that state it', () => {
    const stated = others.filter((p) => p.retention.minimum.certainty === 'stated' && p.retention.minimum.period !== null);
    const months = (p: Profile): number => {
      const period = p.retention.minimum.period!;
      return 'months' in period ? period.months : period.days / 31;
    };
    const longest = Math.max(...stated.map(months));
    expect(def.retention.minimum.period).toEqual({ months: longest });
    const basis = def.retention.minimum.basis;
    expect(basis?.kind === 'derived' && [...basis.from].sort()).toEqual(stated.filter((p) => months(p) === longest).map((p) => p.id).sort());
  });

  it('each long-term reason, interruption reason, exemption and access reason exists in every profile it cites', () => {
    const lists = (p: Profile): Record<string, readonly { id: string }[]> => ({
      longTerm: p.retention.longTerm.categories,
      interruption: p.interruption.reasons,
      exemptions: p.scenarios.exemptions,
      access: p.access.reasons,
    });
    for (const [list, items] of Object.entries(lists(def))) {
      for (const item of items as readonly { id: string; basis: Citation }[]) {
        expect(item.basis.kind).toBe('derived');
        if (item.basis.kind !== 'derived') continue;
        for (const from of item.basis.from) expect(lists(profile(from))[list]!.map((i) => i.id), `${list}.${item.id} in ${from}`).toContain(item.id);
      }
    }
  });
});

describe('docs/profiles.md', () => {
  const doc = readFileSync(new URL('../../docs/profiles.md', import.meta.url), 'utf8');

  it('has a table row per shipped profile stating its minimum retention', () => {
    for (const p of SHIPPED_PROFILES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${p.id}\` |`));
      expect(row, `no row for ${p.id}`).toBeDefined();
      const period = p.retention.minimum.period;
      const minimumCell = row!.split(' | ')[2]!;
      if (period === null) expect(minimumCell).toMatch(/not (specified|in the seed)/);
      else if ('months' in period) expect(minimumCell).toContain(period.months % 12 === 0 ? `**${period.months / 12} year` : `**${period.months} months`);
      else expect(minimumCell).toContain(`**${period.days} days`);
    }
  });
});
