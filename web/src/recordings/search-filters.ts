import { fromLocalInput } from '../ui/format';

/** The search as the URL holds it (shareable, survives reload and back): strings, as typed. */
export interface SearchFilters {
  /** Unit id: that unit and every unit below it. */
  unit: string;
  q: string;
  device: string;
  officer: string;
  /** `YYYY-MM-DDTHH:mm` in the browser's zone. */
  from: string;
  to: string;
  damaged: '' | 'true' | 'false';
  /** Imported after the profile's deadline (R-24H). */
  late: '' | 'true' | 'false';
  order: 'desc' | 'asc';
}

export const EMPTY_FILTERS: SearchFilters = { unit: '', q: '', device: '', officer: '', from: '', to: '', damaged: '', late: '', order: 'desc' };

export function filtersFromParams(p: URLSearchParams): SearchFilters {
  const damaged = p.get('damaged');
  const late = p.get('late');
  return {
    unit: p.get('unit') ?? '',
    q: p.get('q') ?? '',
    device: p.get('device') ?? '',
    officer: p.get('officer') ?? '',
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
    damaged: damaged === 'true' || damaged === 'false' ? damaged : '',
    late: late === 'true' || late === 'false' ? late : '',
    order: p.get('order') === 'asc' ? 'asc' : 'desc',
  };
}

export function filtersToParams(f: SearchFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f) as Array<[keyof SearchFilters, string]>) if (v && !(k === 'order' && v === 'desc')) p.set(k, v);
  return p;
}

/** GET /api/recordings query parameters (times as UTC epoch ms). */
export function apiQuery(f: SearchFilters): Record<string, string | number | undefined> {
  return {
    unit: f.unit || undefined,
    q: f.q.trim() || undefined,
    device: f.device.trim() || undefined,
    officer: f.officer.trim() || undefined,
    from: fromLocalInput(f.from),
    to: fromLocalInput(f.to),
    damaged: f.damaged || undefined,
    late: f.late || undefined,
    order: f.order,
  };
}
