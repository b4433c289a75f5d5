import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'error' | 'pending' | 'info';

/** Icons are decoration: every status also says itself in words (never colour alone). */
const ICON: Record<Tone, string> = { ok: '✓', warn: '!', error: '✕', pending: '…', info: 'i' };

export function StatusBadge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <span className={`status status-${tone}`}>
      <span className="status-icon" aria-hidden="true">
        {ICON[tone]}
      </span>
      <span>{children}</span>
    </span>
  );
}
