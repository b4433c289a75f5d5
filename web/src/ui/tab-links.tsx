import { Link } from 'react-router';
import './tab-links.css';

export interface TabLink {
  to: string;
  label: string;
  current: boolean;
  /** A count shown beside the label (hidden when 0 or absent). */
  count?: number | undefined;
}

/** A page's views as links: each view has its own address, so reload, back and bookmarks work. */
export function TabLinks({ label, tabs }: { label: string; tabs: readonly TabLink[] }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <Link key={tab.to} to={tab.to} className={tab.current ? 'tab active' : 'tab'} aria-current={tab.current ? 'page' : undefined}>
          {tab.label}
          {tab.count ? <span className="tab-count">{tab.count}</span> : null}
        </Link>
      ))}
    </nav>
  );
}
