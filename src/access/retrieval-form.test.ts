import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { breakLines, FORM_TITLE, formFontPaths, groupUses, renderRetrievalForm, seqRanges, type FormUse, type RetrievalFormData } from './retrieval-form.js';

// ---- a small PDF reader (objects, streams, fonts, text), enough to check what pdfkit wrote --------

interface PdfObject {
  num: number;
  dict: string;
  stream: Buffer | null;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const s = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endobj', start);
    const body = s.slice(start, end);
    const at = body.indexOf('stream\n');
    let stream: Buffer | null = null;
    let dict = body;
    if (at >= 0) {
      dict = body.slice(0, at);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const raw = Buffer.from(body.slice(at + 'stream\n'.length, at + 'stream\n'.length + length), 'latin1');
      stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw;
    }
    out.set(Number(m[1]), { num: Number(m[1]), dict, stream });
    re.lastIndex = end;
  }
  return out;
}

const ref = (dict: string, key: string): number | undefined => {
  const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : undefined;
};

/** CID → text, from a ToUnicode CMap (bfchar and bfrange, as pdfkit writes them). */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const line of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(\[[^\]]*\]|<[0-9a-f]+>)/gi)) {
      const lo = parseInt(line[1]!, 16);
      const hi = parseInt(line[2]!, 16);
      const targets = [...line[3]!.matchAll(/<([0-9a-f]+)>/gi)].map((t) => t[1]!);
      for (let c = lo; c <= hi; c += 1) {
        if (targets.length > 1) map.set(c, utf16(targets[c - lo]!));
        else map.set(c, String.fromCharCode(parseInt(targets[0]!, 16) + (c - lo)));
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const line of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>/gi)) map.set(parseInt(line[1]!, 16), utf16(line[2]!));
  }
  return map;
}

interface PdfInfo {
  pages: number;
  /** The text of each page, in drawing order, one string per shown run. */
  text: string[][];
  fonts: Array<{ baseFont: string; embedded: boolean; fontFileBytes: number; toUnicode: boolean }>;
}

function readPdf(pdf: Buffer): PdfInfo {
  const objects = readObjects(pdf);
  const get = (n: number | undefined) => (n === undefined ? undefined : objects.get(n));
  const catalog = [...objects.values()].find((o) => /\/Type \/Catalog/.test(o.dict))!;
  const pagesRoot = get(ref(catalog.dict, 'Pages'))!;
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pagesRoot.dict)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((k) => Number(k[1]));
  const fontInfo = new Map<number, { baseFont: string; cmap: Map<number, string> | null }>();
  const fonts: PdfInfo['fonts'] = [];
  for (const o of objects.values()) {
    if (!/\/Type \/Font\b/.test(o.dict) || /\/Subtype \/CIDFontType2/.test(o.dict)) continue;
    const baseFont = /\/BaseFont \/(\S+)/.exec(o.dict)![1]!;
    const tu = get(ref(o.dict, 'ToUnicode'));
    let fontFileBytes = 0;
    const descendant = /\/DescendantFonts \[(\d+) 0 R\]/.exec(o.dict);
    if (descendant) {
      const descriptor = get(ref(get(Number(descendant[1]))!.dict, 'FontDescriptor'));
      fontFileBytes = get(ref(descriptor?.dict ?? '', 'FontFile2'))?.stream?.length ?? 0;
    }
    fonts.push({ baseFont, embedded: fontFileBytes > 0, fontFileBytes, toUnicode: tu !== undefined });
    fontInfo.set(o.num, { baseFont, cmap: tu?.stream ? parseToUnicode(tu.stream.toString('latin1')) : null });
  }
  const text = kids.map((k) => {
    const page = get(k)!;
    const res = get(ref(page.dict, 'Resources'))?.dict ?? page.dict;
    const names = new Map([...(/\/Font <<([^>]*)>>/.exec(res)?.[1] ?? '').matchAll(/\/(\S+) (\d+) 0 R/g)].map((m) => [m[1]!, Number(m[2])]));
    const content = get(ref(page.dict, 'Contents'))!.stream!.toString('latin1');
    const runs: string[] = [];
    let font: { baseFont: string; cmap: Map<number, string> | null } | undefined;
    // Hex strings hold no ']': a plain class keeps the match linear.
    for (const op of content.matchAll(/\/(\S+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
      if (op[1] !== undefined) {
        font = fontInfo.get(names.get(op[1])!);
        continue;
      }
      const hexes = [...op[2]!.matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]!).join('');
      if (font?.cmap) runs.push((hexes.match(/.{4}/g) ?? []).map((c) => font!.cmap!.get(parseInt(c, 16)) ?? '\uFFFD').join(''));
      else runs.push(Buffer.from(hexes, 'hex').toString('latin1'));
    }
    return runs;
  });
  return { pages: Number(/\/Count (\d+)/.exec(pagesRoot.dict)![1]), text, fonts };
}

// ---- the fixture: 120 recordings, 120 uses, Chinese throughout ------------------------------------

const T0 = Date.UTC(2025, 2, 3, 1, 30, 0); // 2025-03-03 09:30:00 in Asia/Shanghai
const hex = (i: number) => i.toString(16).padStart(8, '0').repeat(8);
const ROWS = 120;

function fixture(over: Partial<RetrievalFormData> = {}): RetrievalFormData {
  const recordings = Array.from({ length: ROWS }, (_, i) => ({
    id: `rec-${i}`,
    fileName: i % 10 === 0 ? `城关所_执法记录_${i}.mp4` : `DSJ_20250303_${String(93000 + i).padStart(6, '0')}_A12345_${String(i).padStart(4, '0')}.MP4`,
    deviceSerial: 'A12345',
    officerBadge: '100001',
    startedAt: T0 + i * 60_000,
    sha256: hex(i),
    granted: i % 7 !== 3,
  }));
  // Each use 11 minutes after the previous: 120 separate sittings.
  const uses: FormUse[] = Array.from({ length: ROWS }, (_, i) => ({
    at: T0 + 86_400_000 + i * 11 * 60_000,
    recordingId: `rec-${i}`,
    served: i % 5 === 0 ? 'original' : 'proxy',
    sha256: hex(i + 1000),
    range: i % 3 === 0 ? null : 'bytes=0-',
    ip: '10.20.30.40',
    ledgerSeq: 1000 + i * 3,
  }));
  return {
    siteName: '某某县市场监督管理局',
    timeZone: 'Asia/Shanghai',
    requestId: '0195f3a2-7c1e-7b3a-9d2e-1a2b3c4d5e6f',
    state: 'approved',
    requester: { name: '张三', badge: '100001', unit: '某某县市场监督管理局 / 城关所' },
    action: 'view',
    reason: { label: '投诉举报核查', text: '核查群众投诉 2025-031 号：现场检查过程中执法人员用语是否规范' },
    requestedAt: T0 + 3_600_000,
    requestedUntil: T0 + 3 * 86_400_000,
    decision: { outcome: 'approved', by: { name: '李局长', badge: '000101' }, at: T0 + 7_200_000, reason: '同意调阅，限三日内', expiresAt: T0 + 3 * 86_400_000 },
    revocation: null,
    recordings,
    hiddenRecordings: 2,
    uses,
    hiddenUses: 3,
    ledger: { printSeq: 12_345, treeSize: 12_345, root: 'ab'.repeat(32), signedAt: T0 + 4 * 86_400_000, keyId: 'k1a2b3c4d5' },
    printedBy: { name: '王五', badge: null },
    generatedAt: T0 + 4 * 86_400_000,
    ...over,
  };
}

describe('the retrieval form PDF (调用单)', () => {
  let pdf: Buffer;
  let info: PdfInfo;
  let all: string;

  beforeAll(async () => {
    pdf = await renderRetrievalForm(fixture());
    info = readPdf(pdf);
    all = info.text.map((p) => p.join('\n')).join('\n');
  });

  it('is a whole PDF whose cross-reference table points at its objects', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    const s = pdf.toString('latin1');
    const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(s)![1]);
    expect(s.slice(startxref, startxref + 4)).toBe('xref');
    const table = /xref\s+0 (\d+)\s+([\s\S]*?)trailer/.exec(s.slice(startxref))!;
    const offsets = table[2]!.trim().split(/\s*\n\s*/).slice(1).map((l) => Number(l.split(' ')[0]));
    expect(offsets.length).toBe(Number(table[1]) - 1);
    offsets.forEach((off, i) => expect(s.slice(off, off + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
  });

  it('paginates 120 recordings and 120 uses onto numbered pages, stamped "第 x 页 / 共 y 页"', () => {
    expect(info.pages).toBe(13);
    info.text.forEach((runs, i) => expect(runs).toContain(`第 ${i + 1} 页 / 共 ${info.pages} 页`));
    // Every recording and every use is on the form, the header row repeated on each page a table runs onto.
    for (let i = 0; i < ROWS; i += 1) expect(all).toContain(hex(i).slice(0, 32));
    for (let i = 0; i < ROWS; i += 1) expect(all).toContain(hex(i + 1000).slice(32));
    // The signatures never stand alone: they share a page with the ledger section.
    const signing = info.text.findIndex((runs) => runs.includes('调用人签字：'));
    expect(info.text[signing]).toContain('五、审计账本核验');
    const headerPages = info.text.filter((runs) => runs.includes('SHA-256（原始文件）')).length;
    expect(headerPages).toBeGreaterThanOrEqual(4);
    expect(info.text.slice(1).every((runs) => runs.includes(`${FORM_TITLE}（续）`))).toBe(true);
  });

  it('embeds Noto Sans SC as subsets (not whole 10 MB fonts), with ToUnicode maps', () => {
    const noto = info.fonts.filter((f) => /^[A-Z]{6}\+NotoSansSC-(Regular|Bold)$/.test(f.baseFont));
    expect(noto.map((f) => f.baseFont.split('+')[1]).sort()).toEqual(['NotoSansSC-Bold', 'NotoSansSC-Regular']);
    for (const f of noto) {
      expect(f.embedded).toBe(true);
      expect(f.toUnicode).toBe(true);
      expect(f.fontFileBytes).toBeGreaterThan(1000);
      expect(f.fontFileBytes).toBeLessThan(200_000);
    }
    expect(pdf.toString('latin1')).toContain('/FontFile2');
    // Latin-only text uses the PDF base fonts (built into every reader); nothing else is referenced.
    expect(info.fonts.filter((f) => !f.embedded).every((f) => /^(Helvetica|Courier)(-Bold)?$/.test(f.baseFont))).toBe(true);
    expect(pdf.length).toBeLessThan(400_000);
  });

  it('keeps its Chinese text extractable: title, who, why, when, signatures', () => {
    expect(info.text[0]).toContain(FORM_TITLE);
    for (const s of ['调用人（查阅人）', '张三（警号 100001）', '某某县市场监督管理局 / 城关所', '调用事由（查阅事由）', '投诉举报核查：核查群众投诉 2025-031 号：现场检查过程中执法人员用语是否规范', '李局长（警号 000101）', '同意调阅，限三日内', '调用人签字：', '审批人签字：', '日期：', '城关所_执法记录_10.mp4']) {
      expect(all).toContain(s);
    }
    expect(all).toContain('2025-03-03 10:30:00'); // requested at, in Asia/Shanghai
    expect(all).toContain('另有 2 项音像记录超出打印人的查看范围，未予列出。');
    expect(all).toContain('另有 3 次使用涉及打印人无权知悉的音像记录，未予列出。');
    expect(all).toContain('custodia audit prove <账本序号> 12345');
    expect(all).toContain('ab'.repeat(32));
    expect(pdf.toString('latin1')).not.toContain('\uFFFD');
    expect(all).not.toContain('\uFFFD');
  });

  it('names the document in its metadata and is the same bytes for the same data', async () => {
    expect(pdf.toString('latin1')).toContain('/Creator');
    expect((await renderRetrievalForm(fixture())).equals(pdf)).toBe(true);
  });

  it('prints a request never decided on one page, and a revoked one with its revocation', async () => {
    const pending = readPdf(await renderRetrievalForm(fixture({ state: 'pending', decision: null, recordings: fixture().recordings.slice(0, 3), uses: [], hiddenUses: 0 })));
    expect(pending.pages).toBe(1);
    expect(pending.text[0]).toContain('尚未审批');
    expect(pending.text[0]).toContain('该授权尚未被使用。');
    const revoked = readPdf(
      await renderRetrievalForm(fixture({ state: 'revoked', revocation: { by: { name: '李局长', badge: null }, at: T0 + 86_400_000 * 2, reason: '调查结束' }, recordings: fixture().recordings.slice(0, 2), uses: fixture().uses.slice(0, 2) })),
    );
    expect(revoked.text[0]!.join('')).toContain('李局长 于 2025-03-05 09:30:00 撤销授权，理由：调查结束');
    expect(revoked.text[0]!.join('')).toContain('状态：已批准（已撤销）');
  });

  it('lists every ledger entry of a long sitting, overflowing into the appendix', async () => {
    const uses: FormUse[] = Array.from({ length: 400 }, (_, k) => ({ at: T0 + k * 1000, recordingId: 'rec-1', served: 'proxy', sha256: hex(9), range: `bytes=${k}-`, ip: '10.0.0.9', ledgerSeq: 5000 + k * 2 }));
    const form = readPdf(await renderRetrievalForm(fixture({ recordings: fixture().recordings.slice(0, 2), uses, hiddenUses: 0 })));
    const text = form.text.map((p) => p.join(' ')).join(' ');
    expect(text).toContain('400 次请求');
    expect(text).toContain('（共 400 条，见附表）');
    expect(text).toContain('附表：账本序号明细');
    for (let k = 0; k < 400; k += 1) expect(text).toContain(String(5000 + k * 2));
  });

  it('takes its fonts from the npm package, never from the system', () => {
    const fonts = formFontPaths();
    for (const f of [fonts.regular, fonts.bold]) expect(f.split(path.sep).join('/')).toMatch(/node_modules\/@expo-google-fonts\/noto-sans-sc\/\d+\w+\/NotoSansSC_\d+\w+\.ttf$/);
  });
});

describe('retrieval form rules', () => {
  const use = (at: number, seq: number, over: Partial<FormUse> = {}): FormUse => ({ at, recordingId: 'r', served: 'proxy', sha256: 'h', range: 'bytes=0-', ip: '1.2.3.4', ledgerSeq: seq, ...over });

  it('groups a player’s range requests into sittings: same recording, content, address, ≤ 10 min apart', () => {
    const s = groupUses([use(0, 1), use(60_000, 3), use(120_000, 2, { ip: '5.6.7.8' }), use(60_000 + 10 * 60_000, 4), use(60_000 + 21 * 60_000, 9), use(30_000, 5, { recordingId: 'q', range: null })]);
    expect(s.map((x) => [x.recordingId, x.ip, x.seqs, x.whole])).toEqual([
      ['r', '1.2.3.4', [1, 3, 4], 0],
      ['q', '1.2.3.4', [5], 1],
      ['r', '5.6.7.8', [2], 0],
      ['r', '1.2.3.4', [9], 0],
    ]);
  });

  it('writes ledger sequence numbers as ranges', () => {
    expect(seqRanges([3, 4, 5, 9, 11, 12])).toEqual(['3–5', '9', '11–12']);
    expect(seqRanges([])).toEqual([]);
  });

  it('breaks lines between ideographs and at file-name separators, never before closing punctuation', () => {
    const w = () => 1;
    expect(breakLines('调用人签字日期', 3, w)).toEqual(['调用人', '签字日', '期']);
    expect(breakLines('DSJ_20250303_093000.MP4', 14, w)).toEqual(['DSJ_20250303_', '093000.MP4']);
    expect(breakLines('同意调阅，限三日内', 4, w)).toEqual(['同意调', '阅，限三', '日内']);
    expect(breakLines('0123456789', 4, w)).toEqual(['0123', '4567', '89']);
    expect(breakLines('', 4, w)).toEqual(['']);
  });
});
