import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { placeOf, rangeOf, tickLabel, ticksOf, type TimeRange } from './timeline-scale';
import { spanOf, type CaseDetail, type Finding, type LinkedRecording } from './types';

const MAX_TICKS = 8;

function Bar({ range, interval, className, label, children }: { range: TimeRange; interval: TimeRange; className: string; label: string; children?: ReactNode }) {
  const p = placeOf(range, interval);
  const style = { left: `${p.left}%`, width: `${Math.max(p.width, 0.4)}%` } as CSSProperties;
  return (
    <span className={`tl-bar ${className}`} style={style} title={label}>
      {children}
    </span>
  );
}

/** A recording's short name on the timeline: recorder · badge. */
export function recordingLabel(r: Pick<LinkedRecording, 'deviceSerial' | 'officerBadge' | 'originalName'>): string {
  return [r.deviceSerial, r.officerBadge].filter(Boolean).join(' · ') || r.originalName;
}

export function TimeAxis({ range }: { range: TimeRange }) {
  const { i18n } = useTranslation();
  const offset = -new Date(range.start).getTimezoneOffset() * 60_000;
  const { step, ticks } = ticksOf(range, MAX_TICKS, offset);
  return (
    <div className="tl-row tl-axis" aria-hidden="true">
      <span className="tl-label" />
      <span className="tl-track">
        {ticks.map((t) => (
          <span key={t} className="tl-tick" style={{ left: `${placeOf(range, { start: t, end: t }).left}%` }}>
            {tickLabel(t, step, i18n.language)}
          </span>
        ))}
      </span>
    </div>
  );
}

/**
 * R-CASE as a picture: the documents' interval against each linked recording's corrected span,
 * with gaps, overlaps and time outside the documents marked by pattern AND named in words on each
 * row and in the findings below (never by colour alone).
 */
export function ConsistencyTimeline({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const c = detail.consistency;
  const docs = c.documents;
  const rows = detail.recordings.map((r) => ({ r, span: spanOf(r) }));
  const range = rangeOf([docs, ...rows.map((x) => x.span)]);
  const name = (rid: string) => {
    const r = detail.recordings.find((x) => x.id === rid);
    return r ? recordingLabel(r) : t('cases.timeline.hiddenRecording');
  };
  const between = (i: TimeRange) => t('cases.timeline.between', { from: f.dateTime(i.start), to: f.dateTime(i.end) });

  const findingText = (x: Finding): string => {
    switch (x.code) {
      case 'no_documents_interval':
        return t('cases.findings.no_documents_interval');
      case 'no_recordings':
        return t('cases.findings.no_recordings');
      case 'late_start':
        return t('cases.findings.late_start', { by: f.delay(x.byMs) });
      case 'early_end':
        return t('cases.findings.early_end', { by: f.delay(x.byMs) });
      case 'gap':
        return t('cases.findings.gap', { from: f.dateTime(x.start), to: f.dateTime(x.end), length: f.delay(x.end - x.start) });
      case 'outside':
        return t('cases.findings.outside', { name: name(x.recordingId), before: f.delay(x.beforeMs), after: f.delay(x.afterMs) });
      case 'unknown_duration':
        return t('cases.findings.unknown_duration', { name: name(x.recordingId) });
    }
  };

  return (
    <section className="card consistency" aria-labelledby="consistency-title">
      <h2 id="consistency-title">{t('cases.timeline.title')}</h2>
      <p className="verdict" role="status" data-consistent={c.consistent ? 'yes' : 'no'}>
        <StatusBadge tone={c.consistent ? 'ok' : 'warn'}>{c.consistent ? t('cases.timeline.consistent') : t('cases.timeline.inconsistent')}</StatusBadge>
        {docs ? <span className="muted"> {t('cases.timeline.coverage', { percent: Math.round(c.coverage * 1000) / 10 })}</span> : null}
      </p>
      {range ? (
        <div className="timeline" role="group" aria-label={t('cases.timeline.title')}>
          <TimeAxis range={range} />
          {docs ? (
            <div className="tl-row tl-docs">
              <span className="tl-label">
                <strong>{t('cases.timeline.documents')}</strong>
                <span className="small muted">{between(docs)}</span>
              </span>
              <span className="tl-track">
                <Bar range={range} interval={docs} className="tl-documents" label={between(docs)}>
                  {t('cases.timeline.documentsShort')}
                </Bar>
              </span>
            </div>
          ) : null}
          {rows.map(({ r, span }) => {
            const before = docs && span && span.start < docs.start ? { start: span.start, end: Math.min(span.end, docs.start) } : null;
            const after = docs && span && span.end > docs.end ? { start: Math.max(span.start, docs.end), end: span.end } : null;
            const overlaps = c.overlaps.filter((o) => o.a === r.id || o.b === r.id);
            const notes = [
              before ? t('cases.timeline.outsideBefore', { length: f.delay(before.end - before.start) }) : null,
              after ? t('cases.timeline.outsideAfter', { length: f.delay(after.end - after.start) }) : null,
              overlaps.length > 0 ? t('cases.timeline.overlapsWith', { names: overlaps.map((o) => name(o.a === r.id ? o.b : o.a)).join('、') }) : null,
              span ? null : t('cases.timeline.unknownSpan'),
            ].filter((x): x is string => x !== null);
            return (
              <div key={r.id} className="tl-row tl-recording" data-recording={r.id}>
                <span className="tl-label">
                  <strong>{recordingLabel(r)}</strong>
                  <span className="small muted">{span ? between(span) : r.originalName}</span>
                  {notes.map((n) => (
                    <span key={n} className="tl-note">
                      {n}
                    </span>
                  ))}
                </span>
                <span className="tl-track">
                  {docs ? <Bar range={range} interval={docs} className="tl-docs-shadow" label={between(docs)} /> : null}
                  {span ? <Bar range={range} interval={span} className="tl-span" label={`${recordingLabel(r)}: ${between(span)}`} /> : null}
                  {before ? (
                    <Bar range={range} interval={before} className="tl-outside" label={t('cases.timeline.outsideBefore', { length: f.delay(before.end - before.start) })}>
                      {t('cases.timeline.outsideShort')}
                    </Bar>
                  ) : null}
                  {after ? (
                    <Bar range={range} interval={after} className="tl-outside" label={t('cases.timeline.outsideAfter', { length: f.delay(after.end - after.start) })}>
                      {t('cases.timeline.outsideShort')}
                    </Bar>
                  ) : null}
                  {overlaps.map((o) => (
                    <Bar key={`${o.a}-${o.b}`} range={range} interval={o} className="tl-overlap" label={t('cases.timeline.overlapsWith', { names: name(o.a === r.id ? o.b : o.a) })}>
                      {t('cases.timeline.overlapShort')}
                    </Bar>
                  ))}
                </span>
              </div>
            );
          })}
          {docs ? (
            <div className="tl-row tl-coverage">
              <span className="tl-label">
                <strong>{t('cases.timeline.gaps')}</strong>
                <span className="small muted">{c.gaps.length === 0 ? t('cases.timeline.noGaps') : t('cases.timeline.gapCount', { n: c.gaps.length })}</span>
              </span>
              <span className="tl-track">
                <Bar range={range} interval={docs} className="tl-docs-shadow" label={between(docs)} />
                {c.gaps.map((g) => (
                  <Bar key={g.start} range={range} interval={g} className="tl-gap" label={t('cases.timeline.gapAt', { between: between(g), length: f.delay(g.end - g.start) })}>
                    {t('cases.timeline.gapShort')}
                  </Bar>
                ))}
              </span>
            </div>
          ) : null}
          <ul className="tl-legend" aria-label={t('cases.timeline.legend')}>
            <li>
              <span className="tl-swatch tl-documents" aria-hidden="true" /> {t('cases.timeline.legendDocuments')}
            </li>
            <li>
              <span className="tl-swatch tl-span" aria-hidden="true" /> {t('cases.timeline.legendRecording')}
            </li>
            <li>
              <span className="tl-swatch tl-outside" aria-hidden="true" /> {t('cases.timeline.legendOutside')}
            </li>
            <li>
              <span className="tl-swatch tl-overlap" aria-hidden="true" /> {t('cases.timeline.legendOverlap')}
            </li>
            <li>
              <span className="tl-swatch tl-gap" aria-hidden="true" /> {t('cases.timeline.legendGap')}
            </li>
          </ul>
        </div>
      ) : (
        <p className="muted">{t('cases.timeline.empty')}</p>
      )}
      <h3>{t('cases.timeline.findings')}</h3>
      {c.findings.length === 0 ? (
        <p className="muted">{t('cases.timeline.noFindings')}</p>
      ) : (
        <ul className="findings">
          {c.findings.map((x, i) => (
            <li key={i} data-finding={x.code}>
              <StatusBadge tone={x.code === 'no_recordings' || x.code === 'gap' ? 'error' : 'warn'}>{t(`cases.findingKind.${x.code}`)}</StatusBadge> {findingText(x)}
            </li>
          ))}
        </ul>
      )}
      {detail.hiddenRecordings > 0 ? <p className="hint">{t('cases.timeline.hiddenNote', { n: detail.hiddenRecordings })}</p> : null}
    </section>
  );
}
