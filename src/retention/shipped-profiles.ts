import countyMarketSupervision from './profiles/county-market-supervision.json' with { type: 'json' };
import defaultProfile from './profiles/default.json' with { type: 'json' };
import hrEnvironmentEnforcement from './profiles/hr-environment-enforcement.json' with { type: 'json' };
import jiangsuCultureMarket from './profiles/jiangsu-culture-market.json' with { type: 'json' };
import marketManagement from './profiles/market-management.json' with { type: 'json' };
import mingshanHr from './profiles/mingshan-hr.json' with { type: 'json' };
import neiqiuHealth from './profiles/neiqiu-health.json' with { type: 'json' };
import publicSecurity2016 from './profiles/public-security-2016.json' with { type: 'json' };
import trafficPolice from './profiles/traffic-police.json' with { type: 'json' };
import yunnanEshan from './profiles/yunnan-eshan.json' with { type: 'json' };
import ziboTobacco from './profiles/zibo-tobacco.json' with { type: 'json' };
import { parseProfile, type Profile } from './profile-schema.js';

/**
 * The regulation profiles Custodia ships (R-PROFILE): one per regulation in the seeds, the
 * national public-security rule, and the default. The data lives in profiles/*.json; each file
 * is parsed here once, so a malformed file stops the program at start-up, not mid-request.
 * Shipped profiles are frozen: an agency edits a copy (with its own version), never these.
 */
const FILES: readonly unknown[] = [
  defaultProfile,
  countyMarketSupervision,
  jiangsuCultureMarket,
  marketManagement,
  hrEnvironmentEnforcement,
  ziboTobacco,
  trafficPolice,
  yunnanEshan,
  neiqiuHealth,
  mingshanHr,
  publicSecurity2016,
];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export const SHIPPED_PROFILES: readonly Profile[] = deepFreeze(FILES.map((f) => parseProfile(f)));

export const DEFAULT_PROFILE_ID = 'default';

/** A shipped profile by id, or undefined. */
export function shippedProfile(id: string): Profile | undefined {
  return SHIPPED_PROFILES.find((p) => p.id === id);
}
