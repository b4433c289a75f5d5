import { useEffect, useId, useState, useSyncExternalStore, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnits } from '../units/use-units';
import { droppedFiles } from './dropped-files';
import { uploadQueue, type UploadMeta } from './upload-queue';
import { UploadTable } from './upload-table';

/** The collection desk: files and whole folders from a recorder, uploaded resumably, each verified by the server. */
export default function CollectionDeskPage() {
  const { t } = useTranslation();
  const id = useId();
  const items = useSyncExternalStore(uploadQueue.subscribe, uploadQueue.getSnapshot);
  const [meta, setMeta] = useState<Required<UploadMeta>>({ device: '', officer: '', unit: '' });
  const [dragging, setDragging] = useState(false);
  const units = useUnits();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));

  // Leaving the page mid-upload would stop it; the browser asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (uploadQueue.busy()) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const currentMeta = (): UploadMeta => ({
    ...(meta.device.trim() ? { device: meta.device.trim() } : {}),
    ...(meta.officer.trim() ? { officer: meta.officer.trim() } : {}),
    ...(meta.unit.trim() ? { unit: meta.unit.trim() } : {}),
  });
  const addFiles = (files: FileList | File[] | null) => {
    if (files && files.length > 0) uploadQueue.add([...files], currentMeta());
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void droppedFiles(e.dataTransfer.items).then((files) => addFiles(files));
  };

  const count = (...states: string[]) => items.filter((i) => states.includes(i.state)).length;
  const done = count('imported', 'duplicate');
  const failed = count('failed', 'error');

  return (
    <div className="page page-collection">
      <h1>{t('collection.title')}</h1>
      <p className="muted">{t('collection.intro')}</p>
      <fieldset className="upload-meta">
        <legend>{t('collection.meta.legend')}</legend>
        <div className="field">
          <label htmlFor={`${id}device`}>{t('collection.meta.device')}</label>
          <input id={`${id}device`} value={meta.device} maxLength={64} onChange={(e) => setMeta({ ...meta, device: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}officer`}>{t('collection.meta.officer')}</label>
          <input id={`${id}officer`} value={meta.officer} maxLength={64} onChange={(e) => setMeta({ ...meta, officer: e.target.value })} />
        </div>
        {units.data && units.data.length > 1 ? (
          <div className="field">
            <label htmlFor={`${id}unit`}>{t('collection.meta.unit')}</label>
            <select id={`${id}unit`} value={meta.unit} onChange={(e) => setMeta({ ...meta, unit: e.target.value })}>
              <option value="">{t('collection.meta.ownUnit')}</option>
              {units.data.map((u) => (
                <option key={u.id} value={u.code}>
                  {'\u3000'.repeat(u.depth - top)}
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <p className="hint">{t('collection.meta.hint')}</p>
      </fieldset>

      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('collection.drop')}</p>
        <div className="drop-actions">
          <label className="button button-primary file-button">
            {t('collection.chooseFiles')}
            <input
              type="file"
              multiple
              className="visually-hidden"
              data-testid="upload-files"
              onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
          <label className="button file-button">
            {t('collection.chooseFolder')}
            <input
              type="file"
              multiple
              className="visually-hidden"
              data-testid="upload-folder"
              ref={(el) => {
                // React has no prop for it: the folder picker is a non-standard attribute every current browser supports.
                el?.setAttribute('webkitdirectory', '');
              }}
              onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      </div>

      <div className="upload-summary" role="status" aria-live="polite">
        {items.length === 0 ? t('collection.empty') : t('collection.summary', { total: items.length, done, failed })}
        {done + failed > 0 ? (
          <button type="button" className="button-quiet" onClick={() => uploadQueue.clearFinished()}>
            {t('collection.clearFinished')}
          </button>
        ) : null}
      </div>
      {items.length > 0 ? <UploadTable items={items} queue={uploadQueue} /> : null}
    </div>
  );
}
