import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { RequestAction } from './reasons.js';

/**
 * The retrieval form (《行政执法全过程记录调用单》, R-ACCESS-LOG) of one access request, as a PDF:
 * who asked (查阅人), why (查阅事由), who approved and until when, which recordings, and every use
 * of the grant (查阅时间) with the ledger entry that registered it, closing with the signed tree
 * head a court checks those entries against (`custodia audit prove <seq> <size>`).
 *
 * Pure rendering: plain data in, PDF bytes out, no database. The text is set in Noto Sans SC from
 * the npm package `@expo-google-fonts/noto-sans-sc` (never a system font), embedded as a subset
 * of the glyphs used, with a ToUnicode map so the Chinese text can be searched and copied.
 */

export type FormRequestState = 'pending' | 'approved' | 'expired' | 'revoked' | 'rejected' | 'withdrawn';

export interface FormPerson {
  name: string;
  badge: string | null;
}

export interface FormRecording {
  id: string;
  /** 统一编码, once recordings carry one. */
  code?: string | null | undefined;
  fileName: string;
  deviceSerial: string | null;
  officerBadge: string | null;
  /** Corrected start (device time − clock offset), UTC epoch ms. */
  startedAt: number;
  /** SHA-256 (hex) of the original. */
  sha256: string;
  /** Whether the approval covered this recording (an approver may narrow a request). */
  granted: boolean;
}

/** One use of the grant: one served request, registered in the ledger before a byte left. */
export interface FormUse {
  at: number;
  recordingId: string;
  served: 'original' | 'proxy';
  /** SHA-256 (hex) of the bytes served (the original, or the playback copy). */
  sha256: string;
  range: string | null;
  ip: string | null;
  ledgerSeq: number;
}

export interface RetrievalFormData {
  /** The agency the site serves (the top unit's name). */
  siteName: string;
  /** IANA zone every time on the form is shown in (the site's, e.g. Asia/Shanghai). */
  timeZone: string;
  requestId: string;
  state: FormRequestState;
  requester: FormPerson & { unit: string };
  action: RequestAction;
  reason: { label: string; text: string | null };
  requestedAt: number;
  requestedUntil: number | null;
  decision: { outcome: 'approved' | 'rejected' | 'withdrawn'; by: FormPerson; at: number; reason: string | null; expiresAt: number | null } | null;
  revocation: { by: FormPerson | null; at: number; reason: string | null } | null;
  recordings: FormRecording[];
  /** Recordings of the request the printing person may not know about: counted, never named. */
  hiddenRecordings: number;
  uses: FormUse[];
  /** Uses of hidden recordings: counted, never described. */
  hiddenUses: number;
  /** The ledger entry registering this print, and the signed tree head that includes it. */
  ledger: { printSeq: number; treeSize: number; root: string; signedAt: number | null; keyId: string | null };
  printedBy: FormPerson;
  generatedAt: number;
}

export const FORM_TITLE = '行政执法全过程记录调用单';

const ACTION_LABELS: Record<RequestAction, string> = { view: '调阅（播放）', download: '下载复制', export: '导出', delete: '删除' };
const STATE_LABELS: Record<FormRequestState, string> = {
  pending: '待审批',
  approved: '已批准（有效）',
  expired: '已批准（已到期）',
  revoked: '已批准（已撤销）',
  rejected: '不予批准',
  withdrawn: '申请人已撤回',
};
const SERVED_LABELS = { original: '原始文件', proxy: '播放副本' } as const;

// ---- grouping uses into sittings ----------------------------------------------------------------

/** Uses of one recording, of one kind, from one address, each within `gap` of the previous one. */
export interface UseSitting {
  recordingId: string;
  served: FormUse['served'];
  sha256: string;
  ip: string | null;
  first: number;
  last: number;
  /** Every ledger entry of the sitting, ascending. */
  seqs: number[];
  /** Requests that asked for the whole file (no Range). */
  whole: number;
}

/** A player fetches a recording in many Range requests; a sitting is what a person calls one viewing. */
export const SITTING_GAP_MS = 10 * 60_000;

export function groupUses(uses: readonly FormUse[], gapMs = SITTING_GAP_MS): UseSitting[] {
  const sorted = [...uses].sort((a, b) => a.at - b.at || a.ledgerSeq - b.ledgerSeq);
  const open = new Map<string, UseSitting>();
  const out: UseSitting[] = [];
  for (const u of sorted) {
    const key = `${u.recordingId}\u0000${u.served}\u0000${u.sha256}\u0000${u.ip ?? ''}`;
    let s = open.get(key);
    if (!s || u.at - s.last > gapMs) {
      s = { recordingId: u.recordingId, served: u.served, sha256: u.sha256, ip: u.ip, first: u.at, last: u.at, seqs: [], whole: 0 };
      open.set(key, s);
      out.push(s);
    }
    s.last = u.at;
    s.seqs.push(u.ledgerSeq);
    if (u.range === null) s.whole += 1;
  }
  for (const s of out) s.seqs.sort((a, b) => a - b);
  return out;
}

/** `[3,4,5,9,11,12]` → `['3–5', '9', '11–12']`. */
export function seqRanges(seqs: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < seqs.length) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j += 1;
    out.push(i === j ? String(seqs[i]) : `${seqs[i]}–${seqs[j]}`);
    i = j + 1;
  }
  return out;
}

// ---- time -----------------------------------------------------------------------------------

function timeFormatter(timeZone: string) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (ms: number): { date: string; time: string } => {
    const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
  };
}

/** "UTC+08:00" for the zone at that instant. */
function utcOffset(timeZone: string, at: number): string {
  const name = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? 'UTC+00:00' : name.replace('GMT', 'UTC');
}

// ---- fonts ----------------------------------------------------------------------------------

const resolveFrom = createRequire(import.meta.url);
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

/** Paths of the embedded fonts, resolved inside node_modules (never a system font). */
export function formFontPaths(): { regular: string; bold: string } {
  return { regular: resolveFrom.resolve(FONT_FILES.regular), bold: resolveFrom.resolve(FONT_FILES.bold) };
}

// ---- line breaking --------------------------------------------------------------------------

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/u;
/** Characters Noto Sans SC sets one em wide (CJK ideographs, CJK punctuation, full-width forms). */
const FULL_WIDTH = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e]/u;
/** Characters a line must not start with (closing punctuation, 避头点). */
const NO_LINE_START = /[，。、；：！？）》」』】,.;:!?)\]}]/u;
/** A line may end after these (and after any CJK character). */
const BREAK_AFTER = /[\s_\-/.,;:、，；：]/u;

/**
 * Greedy line breaking of one paragraph to `width`, measuring with `charWidth`: between CJK
 * characters, after spaces and after the separators of file names and ranges, never before closing
 * punctuation; a token wider than the line is cut between characters. Pure, so it is tested alone.
 */
export function breakLines(text: string, width: number, charWidth: (ch: string) => number): string[] {
  const chars = [...text];
  if (chars.length === 0) return [''];
  const lines: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let w = 0;
    let end = start;
    let lastBreak = -1;
    while (end < chars.length) {
      const cw = charWidth(chars[end]!);
      if (w + cw > width && end > start) break;
      w += cw;
      const ch = chars[end]!;
      const next = chars[end + 1];
      if (next !== undefined && !NO_LINE_START.test(next) && (BREAK_AFTER.test(ch) || CJK.test(ch) || CJK.test(next))) lastBreak = end + 1;
      end += 1;
    }
    if (end < chars.length && lastBreak > start) end = lastBreak;
    lines.push(chars.slice(start, end).join('').trimEnd());
    start = end;
    while (start < chars.length && chars[start] === ' ') start += 1;
  }
  return lines;
}

// ---- layout ---------------------------------------------------------------------------------

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 58, bottom: 54, left: 42, right: 42 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const PAD = 3.5;
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#444444';
const SHADE = '#ececec';
const HEADING_HEIGHT = 26;
/** Ledger ranges shown in a use's cell; the rest go to the appendix, so no row outgrows a page. */
const CELL_RANGES = 8;

interface Column {
  header: string;
  width: number;
}

/** A run of text in a cell, stacked under the previous one. */
interface Part {
  text: string;
  bold?: boolean | undefined;
  /** Hashes: fixed-width, so they read (and compare) column by column. */
  mono?: boolean | undefined;
  size?: number | undefined;
}

type Align = 'left' | 'center' | 'right';

interface Cell {
  parts: Part[];
  shade?: boolean;
  /** Columns this cell spans (default 1). */
  span?: number;
  align?: Align;
}

const cell = (text: string, opts: Omit<Cell, 'parts'> & { bold?: boolean; mono?: boolean } = {}): Cell => ({ ...opts, parts: [{ text, bold: opts.bold, mono: opts.mono }] });

/**
 * Text made only of these characters is set in a PDF base font (Helvetica, Courier: nothing to
 * embed, metrics built in); everything else in the embedded Noto Sans SC. fontkit spends up to a
 * millisecond shaping each distinct string in a CJK font, and a form has thousands of distinct
 * file names, hashes and times: set in Noto alone, 120 rows took seconds of CPU.
 */
const BASE_FONT_TEXT = /^[\x20-\x7e\n\u2013\u2014\u2026\u00b7]*$/;

/**
 * Each font's ascender (1/1000 em): pdfkit hangs a line from it, so fonts are shifted to share one
 * baseline. Base fonts: their AFM metrics; Noto Sans SC: its hhea ascent.
 */
const ASCENDER: Record<string, number> = { Helvetica: 718, 'Helvetica-Bold': 718, Courier: 629, 'Courier-Bold': 629, R: 1160, B: 1160 };
/** Line box: the baseline sits one em below the top, with room under it for descenders. */
const LINE_HEIGHT = 1.32;

function fontOf(p: Part): string {
  if (p.mono) return p.bold ? 'Courier-Bold' : 'Courier';
  if (BASE_FONT_TEXT.test(p.text)) return p.bold ? 'Helvetica-Bold' : 'Helvetica';
  return p.bold ? 'B' : 'R';
}

type Doc = PDFKit.PDFDocument;

interface Laid {
  font: string;
  size: number;
  lines: string[];
  lineHeight: number;
}

/**
 * Writes the form top to bottom. Lines are broken here (with per-character widths, cached) and
 * each is drawn unwrapped, so pdfkit shapes every distinct line once, not once per attempt.
 */
class FormWriter {
  private readonly widths = new Map<string, number>();

  constructor(
    readonly doc: Doc,
    private readonly size: number,
  ) {}

  get bottom(): number {
    return PAGE.height - MARGIN.bottom;
  }

  newPage(): void {
    this.doc.addPage();
    this.doc.x = MARGIN.left;
    this.doc.y = MARGIN.top;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.newPage();
  }

  private charWidth(font: string, size: number, ch: string): number {
    // Noto Sans SC sets every ideograph and full-width form on a square em: no need to ask fontkit.
    if ((font === 'R' || font === 'B') && FULL_WIDTH.test(ch)) return size;
    const key = `${font}\u0000${ch}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.doc.font(font).fontSize(1000).widthOfString(ch);
      this.widths.set(key, w);
    }
    return (w * size) / 1000;
  }

  lay(p: Part, width: number, size = this.size): Laid {
    const font = fontOf(p);
    const sz = p.size ?? (p.mono ? size - 1 : size);
    // 0.5 pt of slack: the widths are summed per character, kerning aside.
    const lines = p.text.split('\n').flatMap((para) => breakLines(para, width - 0.5, (ch) => this.charWidth(font, sz, ch)));
    return { font, size: sz, lines, lineHeight: sz * LINE_HEIGHT };
  }

  /** Draws laid-out text at (x, y) within `width`; returns the height used. */
  draw(l: Laid, x: number, y: number, width: number, align: Align = 'left', color = INK): number {
    const { doc } = this;
    doc.font(l.font).fontSize(l.size).fillColor(color);
    const lift = ((1000 - (ASCENDER[l.font] ?? 1000)) * l.size) / 1000;
    for (const [i, line] of l.lines.entries()) {
      let dx = 0;
      if (align !== 'left') {
        const w = [...line].reduce((a, ch) => a + this.charWidth(l.font, l.size, ch), 0);
        dx = align === 'center' ? (width - w) / 2 : width - w;
      }
      if (line !== '') doc.text(line, x + Math.max(0, dx), y + lift + i * l.lineHeight, { lineBreak: false });
    }
    return l.lines.length * l.lineHeight;
  }

  /** A single line placed exactly (title block, running header, footer). */
  textAt(text: string, x: number, y: number, width: number, opts: { size: number; bold?: boolean; align?: Align; color?: string }): void {
    const l = this.lay({ text, bold: opts.bold }, width, opts.size);
    this.draw(l, x, y, width, opts.align, opts.color);
  }

  heading(text: string): void {
    this.ensure(HEADING_HEIGHT + 18);
    const { doc } = this;
    doc.y += 7;
    const y = doc.y;
    doc.rect(MARGIN.left, y + 1.5, 3, 11).fill(INK);
    this.textAt(text, MARGIN.left + 8, y, CONTENT_WIDTH - 8, { size: 11, bold: true });
    doc.x = MARGIN.left;
    doc.y = y + HEADING_HEIGHT - 7;
  }

  /** A paragraph that flows on to the next page line by line. */
  paragraph(text: string, opts: { size?: number; bold?: boolean; mono?: boolean; color?: string } = {}): void {
    const l = this.lay({ text, bold: opts.bold, mono: opts.mono }, CONTENT_WIDTH, opts.size ?? 8);
    for (const line of l.lines) {
      this.ensure(l.lineHeight);
      this.draw({ ...l, lines: [line] }, MARGIN.left, this.doc.y, CONTENT_WIDTH, 'left', opts.color ?? INK);
      this.doc.y += l.lineHeight;
    }
    this.doc.y += 3;
  }

  note(text: string): void {
    this.paragraph(text, { color: MUTED });
  }

  private layRow(widths: readonly number[], cells: readonly Cell[], minHeight: number) {
    const spans: Array<{ cell: Cell; x: number; width: number; laid: Laid[] }> = [];
    let col = 0;
    let x = MARGIN.left;
    for (const c of cells) {
      const n = c.span ?? 1;
      const width = widths.slice(col, col + n).reduce((a, b) => a + b, 0);
      spans.push({ cell: c, x, width, laid: c.parts.map((p) => this.lay(p, width - 2 * PAD)) });
      x += width;
      col += n;
    }
    const height = Math.max(minHeight, ...spans.map((s) => s.laid.reduce((a, l) => a + l.lines.length * l.lineHeight, 0) + 2 * PAD));
    return { spans, height };
  }

  private drawRow(row: ReturnType<FormWriter['layRow']>): void {
    const { doc } = this;
    const y = doc.y;
    for (const s of row.spans) {
      if (s.cell.shade) doc.rect(s.x, y, s.width, row.height).fill(SHADE);
      doc.lineWidth(0.5).strokeColor(RULE).rect(s.x, y, s.width, row.height).stroke();
      let py = y + PAD;
      for (const l of s.laid) py += this.draw(l, s.x + PAD, py, s.width - 2 * PAD, s.cell.align);
    }
    doc.x = MARGIN.left;
    doc.y = y + row.height;
  }

  gridHeight(widths: readonly number[], rows: readonly Cell[][]): number {
    return rows.reduce((a, cells) => a + this.layRow(widths, cells, 0).height, 0) + 4;
  }

  /** Label/value rows; each moves to the next page whole. */
  grid(widths: readonly number[], rows: Iterable<Cell[]>): void {
    for (const cells of rows) {
      const row = this.layRow(widths, cells, 0);
      this.ensure(row.height);
      this.drawRow(row);
    }
    this.doc.y += 4;
  }

  /**
   * A table whose header row repeats on every page it runs onto; rows never split. Yields to the
   * event loop every few rows: a long form must not stall the server's other requests.
   */
  async table(columns: readonly Column[], rows: Iterable<Cell[]>): Promise<void> {
    const widths = columns.map((c) => c.width);
    const header = this.layRow(
      widths,
      columns.map((c): Cell => cell(c.header, { bold: true, shade: true, align: 'center' })),
      0,
    );
    let headerOnPage = false;
    let n = 0;
    for (const cells of rows) {
      if (++n % 25 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const row = this.layRow(widths, cells, 0);
      if (!headerOnPage || this.doc.y + row.height > this.bottom) {
        if (this.doc.y + header.height + row.height > this.bottom) this.newPage();
        this.drawRow(header);
        headerOnPage = true;
      }
      this.drawRow(row);
    }
    this.doc.y += 4;
  }
}

function person(p: FormPerson | null): string {
  if (!p) return '—';
  return p.badge ? `${p.name}（警号 ${p.badge}）` : p.name;
}

function halves(hex: string): string {
  return hex.length > 32 ? `${hex.slice(0, 32)}\n${hex.slice(32)}` : hex;
}

/** Renders the form; resolves to the whole PDF (some tens of KB per hundred rows). */
export async function renderRetrievalForm(data: RetrievalFormData): Promise<Buffer> {
  const fonts = formFontPaths();
  const [regular, bold] = await Promise.all([readFile(fonts.regular), readFile(fonts.bold)]);
  const when = timeFormatter(data.timeZone);
  const at = (ms: number | null | undefined) => {
    if (ms === null || ms === undefined) return '—';
    const t = when(ms);
    return `${t.date} ${t.time}`;
  };
  const at2 = (ms: number) => {
    const t = when(ms);
    return `${t.date}\n${t.time}`;
  };

  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    info: {
      Title: FORM_TITLE,
      Subject: `access request ${data.requestId}`,
      Author: data.siteName,
      Creator: 'Custodia',
      Producer: 'Custodia (PDFKit)',
      CreationDate: new Date(data.generatedAt),
    },
    lang: 'zh-CN',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('R', regular);
  doc.registerFont('B', bold);

  const w = new FormWriter(doc, 8);

  // ---- title block ----
  w.textAt(data.siteName, MARGIN.left, MARGIN.top - 24, CONTENT_WIDTH * 0.55, { size: 9 });
  w.textAt(`编号 ${data.requestId}`, MARGIN.left + CONTENT_WIDTH * 0.55, MARGIN.top - 24, CONTENT_WIDTH * 0.45, { size: 8, align: 'right', color: MUTED });
  w.textAt(FORM_TITLE, MARGIN.left, MARGIN.top, CONTENT_WIDTH, { size: 18, bold: true, align: 'center' });
  doc.y = MARGIN.top + 32;
  w.note(`状态：${STATE_LABELS[data.state]}。本单所列时间均为 ${data.timeZone}（${utcOffset(data.timeZone, data.generatedAt)}）时间；音像记录的开始时间为按执法记录仪校时结果校正后的时间。`);

  // ---- the request ----
  const kv = [90, CONTENT_WIDTH / 2 - 90, 90, CONTENT_WIDTH / 2 - 90];
  const label = (text: string): Cell => cell(text, { bold: true, shade: true });
  const value = (text: string, span = 1): Cell => cell(text, { span });
  const reasonText = data.reason.text ? `${data.reason.label}：${data.reason.text}` : data.reason.label;
  w.heading('一、调用申请');
  const requestRows: Cell[][] = [
    [label('调用人（查阅人）'), value(person(data.requester)), label('所在单位'), value(data.requester.unit)],
    [label('调用方式'), value(ACTION_LABELS[data.action]), label('申请时间'), value(at(data.requestedAt))],
    [label('调用事由（查阅事由）'), value(reasonText, 3)],
    [label('申请使用至'), value(data.requestedUntil === null ? '由审批人决定' : at(data.requestedUntil)), label('申请调用记录'), value(`${data.recordings.length + data.hiddenRecordings} 项`)],
  ];
  w.grid(kv, requestRows);

  w.heading('二、审批');
  const d = data.decision;
  const decisionRows: Cell[][] = [];
  if (!d) {
    decisionRows.push([label('审批结果'), value('尚未审批', 3)]);
  } else if (d.outcome === 'withdrawn') {
    decisionRows.push([label('审批结果'), value(`申请人于 ${at(d.at)} 撤回申请`, 3)]);
  } else {
    decisionRows.push([label('审批人'), value(person(d.by)), label('审批时间'), value(at(d.at))]);
    const granted = data.recordings.filter((r) => r.granted).length;
    const result = d.outcome === 'approved' ? `同意${granted < data.recordings.length ? `（限其中 ${granted} 项，见下表“批准”栏）` : ''}` : '不予批准';
    decisionRows.push([label('审批结果'), value(result), label('有效期至'), value(d.outcome === 'approved' ? at(d.expiresAt) : '—')]);
    decisionRows.push([label('审批意见'), value(d.reason ?? '—', 3)]);
  }
  if (data.revocation) {
    decisionRows.push([label('撤销'), value(`${person(data.revocation.by)} 于 ${at(data.revocation.at)} 撤销授权${data.revocation.reason ? `，理由：${data.revocation.reason}` : ''}`, 3)]);
  }
  w.grid(kv, decisionRows);

  // ---- recordings ----
  w.heading(`三、调用的音像记录（${data.recordings.length} 项）`);
  const index = new Map(data.recordings.map((r, i) => [r.id, i + 1]));
  const recColumns: Column[] = [
    { header: '序号', width: 24 },
    { header: '文件名 / 统一编码', width: 122 },
    { header: '执法记录仪编号', width: 64 },
    { header: '警号', width: 44 },
    { header: '校正后开始时间', width: 66 },
    { header: '批准', width: 28 },
    { header: 'SHA-256（原始文件）', width: CONTENT_WIDTH - 348 },
  ];
  await w.table(
    recColumns,
    (function* () {
      for (const [i, r] of data.recordings.entries()) {
        yield [
          cell(String(i + 1), { align: 'center' }),
          { parts: r.code ? [{ text: r.code, bold: true }, { text: r.fileName }] : [{ text: r.fileName }] },
          cell(r.deviceSerial ?? '—'),
          cell(r.officerBadge ?? '—'),
          cell(at2(r.startedAt)),
          cell(d?.outcome === 'approved' ? (r.granted ? '是' : '否') : '—', { align: 'center' }),
          cell(halves(r.sha256), { mono: true }),
        ] satisfies Cell[];
      }
    })(),
  );
  if (data.hiddenRecordings > 0) w.note(`另有 ${data.hiddenRecordings} 项音像记录超出打印人的查看范围，未予列出。`);

  // ---- uses ----
  const sittings = groupUses(data.uses);
  const overflow: Array<{ n: number; sitting: UseSitting }> = [];
  w.heading(`四、查阅登记（${data.uses.length} 次使用${sittings.length > 0 ? `，合并为 ${sittings.length} 次查阅` : ''}）`);
  if (sittings.length === 0) {
    w.note(data.hiddenUses > 0 ? '打印人可见范围内没有使用记录。' : '该授权尚未被使用。');
  } else {
    w.note(`同一记录、同一内容、同一地址且间隔不超过 ${SITTING_GAP_MS / 60_000} 分钟的多次请求（播放器分段读取）合并为一次查阅；“账本序号”列出每次请求在审计账本中的登记序号。`);
    const useColumns: Column[] = [
      { header: '序号', width: 24 },
      { header: '查阅时间', width: 64 },
      { header: '音像记录', width: 104 },
      { header: '提供内容（SHA-256）', width: 148 },
      { header: '来源地址', width: 68 },
      { header: '账本序号', width: CONTENT_WIDTH - 408 },
    ];
    await w.table(
      useColumns,
      (function* () {
        for (const [i, s] of sittings.entries()) {
          const n = i + 1;
          const ref = index.get(s.recordingId);
          const rec = ref === undefined ? undefined : data.recordings[ref - 1];
          const time = s.first === s.last ? at2(s.first) : `${at2(s.first)}\n至 ${when(s.last).date === when(s.first).date ? when(s.last).time : at(s.last)}`;
          const ranges = seqRanges(s.seqs);
          let seqParts: Part[] = [{ text: ranges.join(', ') }];
          if (ranges.length > CELL_RANGES) {
            overflow.push({ n, sitting: s });
            seqParts = [{ text: `${ranges.slice(0, CELL_RANGES).join(', ')} …` }, { text: `（共 ${s.seqs.length} 条，见附表）` }];
          }
          const requests = s.seqs.length === 1 ? (s.whole === 1 ? '完整读取 1 次' : '分段读取 1 次') : `${s.seqs.length} 次请求${s.whole > 0 ? `（其中完整读取 ${s.whole} 次）` : ''}`;
          yield [
            cell(String(n), { align: 'center' }),
            cell(time),
            { parts: rec ? [{ text: `[${ref}]`, bold: true }, { text: rec.fileName }] : [{ text: s.recordingId }] },
            { parts: [{ text: `${SERVED_LABELS[s.served]} · ${requests}` }, { text: halves(s.sha256), mono: true }] },
            cell(s.ip ?? '—'),
            { parts: seqParts },
          ] satisfies Cell[];
        }
      })(),
    );
  }
  if (data.hiddenUses > 0) w.note(`另有 ${data.hiddenUses} 次使用涉及打印人无权知悉的音像记录，未予列出。`);

  // ---- the ledger ----
  const head = data.ledger;
  const signed = head.signedAt === null ? '' : `，签名时间 ${at(head.signedAt)}${head.keyId ? `，站点密钥 ${head.keyId}` : ''}`;
  const ledgerWidths = [96, CONTENT_WIDTH - 96];
  const ledgerRows: Cell[][] = [
    [label('本单打印登记'), value(`账本第 ${head.printSeq} 条（打印人：${person(data.printedBy)}，${at(data.generatedAt)}）`)],
    [label('打印时账本树头'), { parts: [{ text: `条目数 ${head.treeSize}${signed}` }, { text: `根哈希（root）` }, { text: head.root, mono: true }] }],
    [label('核验方法'), value(`在本站执行 custodia audit prove <账本序号> ${head.treeSize}，所得 root 应与上列根哈希一致（RFC 6962 包含证明）；custodia verify 校验全部账本条目、签名与原始文件。`)],
  ];
  // The signatures never stand alone on a page: they move together with the ledger section.
  const SIGNATURES_HEIGHT = 80;
  w.ensure(HEADING_HEIGHT + w.gridHeight(ledgerWidths, ledgerRows) + SIGNATURES_HEIGHT);
  w.heading('五、审计账本核验');
  w.grid(ledgerWidths, ledgerRows);

  // ---- signatures ----
  w.ensure(SIGNATURES_HEIGHT);
  doc.y += 14;
  const sigY = doc.y;
  const rule = (x0: number, x1: number, y: number) => doc.lineWidth(0.6).strokeColor(INK).moveTo(x0, y).lineTo(x1, y).stroke();
  for (const [k, who] of ['调用人签字：', '审批人签字：'].entries()) {
    const y = sigY + k * 36;
    const x = MARGIN.left;
    w.textAt(who, x, y, 70, { size: 10.5 });
    rule(x + 66, x + 280, y + 14);
    // 日期：＿＿＿＿年＿＿月＿＿日
    let dx = x + 316;
    w.textAt('日期：', dx, y, 34, { size: 10.5 });
    dx += 33;
    for (const [unit, len] of [['年', 52], ['月', 30], ['日', 30]] as const) {
      rule(dx, dx + len, y + 14);
      w.textAt(unit, dx + len + 2, y, 14, { size: 10.5 });
      dx += len + 15;
    }
  }
  doc.x = MARGIN.left;
  doc.y = sigY + 60;

  // ---- appendix: ledger entries of long sittings ----
  if (overflow.length > 0) {
    w.newPage();
    w.heading('附表：账本序号明细');
    for (const o of overflow) {
      w.ensure(30);
      w.paragraph(`查阅登记第 ${o.n} 项（${o.sitting.seqs.length} 条）`, { bold: true });
      w.paragraph(seqRanges(o.sitting.seqs).join(', '));
    }
  }

  // ---- running header and footer on every page ----
  const range = doc.bufferedPageRange();
  const total = range.count;
  for (let i = range.start; i < range.start + total; i += 1) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a page of its own: lift the margin while stamping.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const small = { size: 7.5, color: MUTED };
    if (i > range.start) {
      w.textAt(`${FORM_TITLE}（续）`, MARGIN.left, 30, CONTENT_WIDTH / 2, small);
      w.textAt(`编号 ${data.requestId}`, MARGIN.left + CONTENT_WIDTH / 2, 30, CONTENT_WIDTH / 2, { ...small, align: 'right' });
    }
    const fy = PAGE.height - MARGIN.bottom + 18;
    doc.lineWidth(0.5).strokeColor('#999999').moveTo(MARGIN.left, fy - 5).lineTo(PAGE.width - MARGIN.right, fy - 5).stroke();
    w.textAt(`生成时间 ${at(data.generatedAt)}（${data.timeZone}）· Custodia`, MARGIN.left, fy, CONTENT_WIDTH * 0.7, small);
    w.textAt(`第 ${i - range.start + 1} 页 / 共 ${total} 页`, MARGIN.left + CONTENT_WIDTH * 0.7, fy, CONTENT_WIDTH * 0.3, { ...small, align: 'right' });
    doc.page.margins.bottom = saved;
  }
  doc.flushPages();
  doc.end();
  return done;
}
