import { useTranslation } from 'react-i18next';
import { TabLinks } from '../ui/tab-links';

export const DESK_VIEWS = ['desk', 'all', 'overdue', 'maintenance', 'allocation'] as const;
export type DeskView = (typeof DESK_VIEWS)[number];

/** The desk's views; overdue and maintenance show how many devices wait there. */
export function DeskTabs({ current, counts }: { current: DeskView | null; counts: Partial<Record<DeskView, number>> }) {
  const { t } = useTranslation();
  return (
    <TabLinks
      label={t('devices.views.label')}
      tabs={DESK_VIEWS.map((v) => ({ to: v === 'desk' ? '/devices' : `/devices?view=${v}`, label: t(`devices.views.${v}`), current: current === v, count: counts[v] }))}
    />
  );
}
