import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import type { Unit } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { useUnits } from '../units/use-units';
import './admin.css';

/** 单位管理: the unit tree (county bureau → stations → teams): add a unit under a parent, rename one. Units never move or disappear. */
export default function UnitsPage() {
  const { t } = useTranslation();
  const units = useUnits();
  const items = units.data ?? [];
  const top = Math.min(...items.map((u) => u.depth));
  return (
    <div className="page page-admin-units">
      <h1>{t('admin.units.title')}</h1>
      <p className="muted">{t('admin.units.intro')}</p>
      {units.error ? <ErrorNotice error={units.error} /> : null}
      {units.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      <ul className="unit-tree" aria-label={t('admin.units.tree')}>
        {items.map((u) => (
          <UnitRow key={u.id} unit={u} level={u.depth - top} />
        ))}
      </ul>
    </div>
  );
}

function UnitRow({ unit: u, level }: { unit: Unit; level: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const client = useQueryClient();
  const [mode, setMode] = useState<'rename' | 'add' | null>(null);
  const [name, setName] = useState(u.name);
  const [child, setChild] = useState({ code: '', name: '' });
  const done = async () => {
    setMode(null);
    await client.invalidateQueries({ queryKey: ['units'] });
  };
  const rename = useMutation({ mutationFn: () => api<Unit>(`/api/units/${u.id}`, { method: 'PATCH', body: { name: name.trim() } }), onSuccess: done });
  const add = useMutation({
    mutationFn: () => api<Unit>('/api/units', { method: 'POST', body: { code: child.code.trim(), name: child.name.trim(), parentId: u.id } }),
    onSuccess: async () => {
      setChild({ code: '', name: '' });
      await done();
    },
  });
  const level0 = ['admin.units.level0', 'admin.units.level1', 'admin.units.level2'] as const;

  return (
    <li className="unit-row" style={{ marginInlineStart: `${level * 1.75}rem` }} data-unit={u.code} aria-level={level + 1}>
      <div className="unit-line">
        <span className="unit-name">{u.name}</span>
        <span className="mono muted small">{u.code}</span>
        <span className="muted small">{t(level0[Math.min(u.depth, 2)]!)}</span>
        <span className="muted small">{t('admin.units.since', { date: f.date(u.createdAt) })}</span>
        <span className="unit-buttons">
          <button type="button" aria-expanded={mode === 'rename'} onClick={() => setMode(mode === 'rename' ? null : 'rename')} aria-label={t('admin.units.renameWhich', { name: u.name })}>
            {t('admin.units.rename')}
          </button>
          <button type="button" aria-expanded={mode === 'add'} onClick={() => setMode(mode === 'add' ? null : 'add')} aria-label={t('admin.units.addUnder', { name: u.name })}>
            {t('admin.units.add')}
          </button>
        </span>
      </div>
      {mode === 'rename' ? (
        <form
          className="decision-form inline-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            rename.mutate();
          }}
        >
          <div className="field field-grow">
            <label htmlFor={`${id}name`}>{t('admin.units.newName')}</label>
            <input id={`${id}name`} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <button type="submit" className="button-primary" disabled={rename.isPending}>
            {t('admin.units.saveName')}
          </button>
          {rename.error ? <ErrorNotice error={rename.error} /> : null}
        </form>
      ) : null}
      {mode === 'add' ? (
        <form
          className="decision-form inline-form"
          aria-label={t('admin.units.addUnder', { name: u.name })}
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}code`}>{t('admin.units.code')}</label>
            <input id={`${id}code`} required maxLength={64} className="mono" value={child.code} onChange={(e) => setChild({ ...child, code: e.target.value })} />
          </div>
          <div className="field field-grow">
            <label htmlFor={`${id}cname`}>{t('admin.units.name')}</label>
            <input id={`${id}cname`} required maxLength={100} value={child.name} onChange={(e) => setChild({ ...child, name: e.target.value })} />
          </div>
          <button type="submit" className="button-primary" disabled={add.isPending}>
            {t('admin.units.addSubmit')}
          </button>
          {add.error ? <ErrorNotice error={add.error} /> : null}
        </form>
      ) : null}
    </li>
  );
}
