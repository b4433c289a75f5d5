import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordingDetail } from '../api/types';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import { AccessHistory } from './access-history';

const SOURCE_KINDS = ['folder', 'dock', 'upload'] as const;
const TIME_SOURCES = ['file_name', 'container', 'file_mtime', 'import'] as const;
const DERIVATIVE_KINDS = ['thumbnails', 'proxy'] as const;
const isOneOf = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

function Facts({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="facts">
      <h2>{title}</h2>
      <dl>{children}</dl>
    </section>
  );
}

function Fact({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children ?? '—'}</dd>
    </div>
  );
}

/** Every stored fact of a recording; the device's own times beside the corrected ones (DESIGN invariant 5). */
export function RecordingFacts({ r }: { r: RecordingDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const yesNo = (v: boolean) => (v ? t('common.yes') : t('common.no'));
  const unit = useUnits().data?.find((u) => u.id === r.unitId);

  return (
    <div className="facts-grid">
      <section className="facts facts-wide">
        <h2>{t('recordings.detail.time')}</h2>
        <table className="time-table">
          <caption className="muted small">{t('recordings.detail.timeZoneNote', { zone: f.timeZone })}</caption>
          <thead>
            <tr>
              <td />
              <th scope="col">{t('recordings.detail.deviceTime')}</th>
              <th scope="col">{t('recordings.detail.correctedTime')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('recordings.detail.start')}</th>
              <td>{f.dateTime(r.deviceStartedAt)}</td>
              <td>{f.dateTime(r.startedAt)}</td>
            </tr>
            <tr>
              <th scope="row">{t('recordings.detail.end')}</th>
              <td>{f.dateTime(r.deviceEndedAt)}</td>
              <td>{f.dateTime(r.endedAt)}</td>
            </tr>
          </tbody>
        </table>
        <dl>
          <Fact label={t('recordings.detail.clockOffset')}>{r.clockOffsetMs === 0 ? t('recordings.detail.noOffset') : f.seconds(r.clockOffsetMs)}</Fact>
          <Fact label={t('recordings.detail.timeSource')}>{isOneOf(TIME_SOURCES, r.timeSource) ? t(`recordings.timeSource.${r.timeSource}`) : r.timeSource}</Fact>
          <Fact label={t('recordings.detail.duration')}>{f.duration(r.durationMs)}</Fact>
          <Fact label={t('recordings.detail.collectedAt')}>{f.dateTime(r.collectedAt)}</Fact>
          <Fact label={t('recordings.detail.importDelay')}>
            {r.importDelayMs === null ? '—' : f.delay(r.importDelayMs)}{' '}
            {r.lateImport ? <StatusBadge tone="warn">{t('recordings.flag.late')}</StatusBadge> : <StatusBadge tone="ok">{t('recordings.flag.onTime')}</StatusBadge>}
          </Fact>
        </dl>
      </section>

      <Facts title={t('recordings.detail.source')}>
        <Fact label={t('recordings.detail.originalName')}>{r.originalName}</Fact>
        <Fact label={t('recordings.detail.device')}>{r.deviceSerial}</Fact>
        <Fact label={t('recordings.detail.officer')}>{r.officerBadge}</Fact>
        <Fact label={t('recordings.detail.sourceKind')}>{isOneOf(SOURCE_KINDS, r.sourceKind) ? t(`recordings.sourceKind.${r.sourceKind}`) : r.sourceKind}</Fact>
        <Fact label={t('recordings.detail.station')}>{r.station}</Fact>
        <Fact label={t('recordings.detail.sourcePath')} mono>
          {r.sourcePath}
        </Fact>
        <Fact label={t('recordings.detail.fileNamePattern')}>{r.fileNamePattern ?? t('recordings.detail.noPattern')}</Fact>
        <Fact label={t('recordings.detail.collectedBy')} mono>
          {r.collectedBy}
        </Fact>
        <Fact label={t('recordings.detail.batch')} mono>
          {r.batchId}
        </Fact>
        <Fact label={t('recordings.detail.unit')}>
          {unit ? `${unit.name} (${unit.code})` : <span className="mono">{r.unitId}</span>}
        </Fact>
      </Facts>

      <Facts title={t('recordings.detail.integrity')}>
        <Fact label={t('recordings.detail.sha256')} mono>
          {r.sha256}
        </Fact>
        <Fact label={t('recordings.detail.size')}>
          {f.bytes(r.size)} ({t('recordings.detail.bytes', { n: f.number(r.size) })})
        </Fact>
        <Fact label={t('recordings.detail.id')} mono>
          {r.id}
        </Fact>
        <Fact label={t('recordings.detail.createdAt')}>{f.dateTime(r.createdAt)}</Fact>
        <Fact label={t('recordings.detail.updatedAt')}>{f.dateTime(r.updatedAt)}</Fact>
      </Facts>

      <Facts title={t('recordings.detail.media')}>
        <Fact label={t('recordings.detail.container')}>{r.container}</Fact>
        <Fact label={t('recordings.detail.videoCodec')}>{r.videoCodec}</Fact>
        <Fact label={t('recordings.detail.audioCodec')}>{r.audioCodec}</Fact>
        <Fact label={t('recordings.detail.resolution')}>{r.width && r.height ? `${r.width} × ${r.height}` : null}</Fact>
        <Fact label={t('recordings.detail.location')}>{r.latitude !== null && r.longitude !== null ? `${r.latitude.toFixed(6)}, ${r.longitude.toFixed(6)}` : t('recordings.detail.noLocation')}</Fact>
        <Fact label={t('recordings.detail.playable')}>{yesNo(r.playable)}</Fact>
        <Fact label={t('recordings.detail.damaged')}>
          {r.damaged ? <StatusBadge tone="error">{r.damageReason ?? t('recordings.flag.damaged')}</StatusBadge> : <StatusBadge tone="ok">{t('recordings.flag.intact')}</StatusBadge>}
        </Fact>
      </Facts>

      <Facts title={t('recordings.detail.description')}>
        <Fact label={t('recordings.detail.title')}>{r.title}</Fact>
        <Fact label={t('recordings.detail.descriptionText')}>{r.description}</Fact>
      </Facts>

      <section className="facts">
        <h2>{t('recordings.detail.derivatives')}</h2>
        {r.derivatives.length === 0 ? (
          <p className="muted">{t('recordings.detail.noDerivatives')}</p>
        ) : (
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('recordings.detail.derivativeKind')}</th>
                <th scope="col">{t('recordings.detail.size')}</th>
                <th scope="col">{t('recordings.detail.sha256')}</th>
                <th scope="col">{t('recordings.detail.createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {r.derivatives.map((d) => (
                <tr key={d.kind}>
                  <td>{isOneOf(DERIVATIVE_KINDS, d.kind) ? t(`recordings.derivative.${d.kind}`) : d.kind}</td>
                  <td>{f.bytes(d.size)}</td>
                  <td className="mono hash-cell">{d.sha256}</td>
                  <td>{f.dateTime(d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <AccessHistory recordingId={r.id} />

      {r.media ? (
        <details className="facts facts-wide">
          <summary>{t('recordings.detail.probe')}</summary>
          <pre className="probe">{JSON.stringify(r.media, null, 2)}</pre>
        </details>
      ) : null}
    </div>
  );
}
