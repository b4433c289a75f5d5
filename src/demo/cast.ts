import type { RoleId } from '../identity/index.js';

/**
 * The demo site's people, units and recorders. Every name is invented; the site is marked a demo
 * and shows a banner saying so on every page.
 */

/** Every demo account signs in with this password (printed by `custodia demo`). */
export const DEMO_PASSWORD = 'custodia-demo';

/** The collection station the demo's imports come from. */
export const DEMO_STATION = 'demo-station-1';

/** The top unit's name on a new demo site. */
export const DEMO_SITE_NAME = '示范县（演示）';

export interface DemoUnit {
  code: string;
  name: string;
  /** Parent unit code; null for a unit directly under the top unit. */
  parent: string | null;
  /** The regulation profile this unit tree follows (otherwise its parent's, or the default). */
  profile?: string;
}

export const DEMO_UNITS: readonly DemoUnit[] = [
  { code: 'TJ', name: '交通警察大队', parent: null, profile: 'traffic-police' },
  { code: 'TJ-1', name: '交警大队城区中队', parent: 'TJ' },
  { code: 'PS', name: '城关派出所', parent: null, profile: 'public-security-2016' },
  { code: 'SJ', name: '城东市场监督管理所', parent: null, profile: 'county-market-supervision' },
];

export interface DemoPerson {
  username: string;
  displayName: string;
  roles: RoleId[];
  /** Unit code; null for the top unit. */
  unit: string | null;
  badge?: string;
  clearance?: 0 | 1 | 2 | 3;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { username: 'zheng.dispatcher', displayName: '郑敏', roles: ['dispatcher'], unit: null },
  { username: 'feng.approver', displayName: '冯建国', roles: ['approver'], unit: null, clearance: 2 },
  { username: 'he.supervisor', displayName: '何丽', roles: ['supervisor'], unit: null, clearance: 1 },
  { username: 'wu.collector', displayName: '吴磊', roles: ['collector'], unit: null },
  { username: 'sun.custodian', displayName: '孙强', roles: ['custodian'], unit: 'TJ' },
  { username: 'zhou.custodian', displayName: '周倩', roles: ['custodian'], unit: 'PS' },
  { username: 'qian.custodian', displayName: '钱芳', roles: ['custodian'], unit: 'SJ' },
  { username: 'zhang.officer', displayName: '张伟', roles: ['officer'], unit: 'TJ-1', badge: '100101' },
  { username: 'li.officer', displayName: '李娜', roles: ['officer'], unit: 'TJ-1', badge: '100102' },
  { username: 'chen.officer', displayName: '陈刚', roles: ['officer'], unit: 'TJ', badge: '100103' },
  { username: 'wang.officer', displayName: '王磊', roles: ['officer'], unit: 'PS', badge: '100201' },
  { username: 'liu.officer', displayName: '刘洋', roles: ['officer'], unit: 'PS', badge: '100202' },
  { username: 'zhao.officer', displayName: '赵静', roles: ['officer'], unit: 'SJ', badge: '300101' },
  { username: 'yang.officer', displayName: '杨帆', roles: ['officer'], unit: 'SJ', badge: '300102' },
];

export interface DemoDevice {
  code: string;
  /** The 7-character serial the recorder stamps into its file names (GA/T 947 pattern). */
  serial: string;
  model: string;
  unit: string;
  /** The custodian who looks after it. */
  keeper: string;
  /** The officer who usually takes it out; none for a spare. */
  officer?: string;
  /** Its clock: a fixed error (never set right) plus a drift since it was last set, per hour. */
  baseOffsetMs: number;
  driftMsPerHour: number;
}

export const DEMO_DEVICES: readonly DemoDevice[] = [
  { code: 'TJ-DSJ-01', serial: 'TJA0101', model: 'DSJ-T5', unit: 'TJ-1', keeper: 'sun.custodian', officer: 'zhang.officer', baseOffsetMs: 0, driftMsPerHour: 150 },
  { code: 'TJ-DSJ-02', serial: 'TJA0102', model: 'DSJ-T5', unit: 'TJ-1', keeper: 'sun.custodian', officer: 'li.officer', baseOffsetMs: 0, driftMsPerHour: -300 },
  { code: 'TJ-DSJ-03', serial: 'TJA0103', model: 'DSJ-T5', unit: 'TJ', keeper: 'sun.custodian', officer: 'chen.officer', baseOffsetMs: 0, driftMsPerHour: 900 },
  { code: 'TJ-DSJ-04', serial: 'TJA0104', model: 'DSJ-T5', unit: 'TJ', keeper: 'sun.custodian', baseOffsetMs: 0, driftMsPerHour: 0 },
  { code: 'PS-DSJ-01', serial: 'PSB0201', model: 'DSJ-V7', unit: 'PS', keeper: 'zhou.custodian', officer: 'wang.officer', baseOffsetMs: 0, driftMsPerHour: 60 },
  { code: 'PS-DSJ-02', serial: 'PSB0202', model: 'DSJ-V7', unit: 'PS', keeper: 'zhou.custodian', officer: 'liu.officer', baseOffsetMs: 420_000, driftMsPerHour: 0 },
  { code: 'PS-DSJ-03', serial: 'PSB0203', model: 'DSJ-V7', unit: 'PS', keeper: 'zhou.custodian', baseOffsetMs: 0, driftMsPerHour: 0 },
  { code: 'SJ-ZF-01', serial: 'SJC0301', model: 'ZF-H2', unit: 'SJ', keeper: 'qian.custodian', officer: 'zhao.officer', baseOffsetMs: 0, driftMsPerHour: 200 },
  { code: 'SJ-ZF-02', serial: 'SJC0302', model: 'ZF-H2', unit: 'SJ', keeper: 'qian.custodian', officer: 'yang.officer', baseOffsetMs: -95_000, driftMsPerHour: 0 },
];

export const personNamed = (username: string): DemoPerson => {
  const p = DEMO_PEOPLE.find((x) => x.username === username);
  if (!p) throw new Error(`demo cast has no ${username}`);
  return p;
};

export const deviceCoded = (code: string): DemoDevice => {
  const d = DEMO_DEVICES.find((x) => x.code === code);
  if (!d) throw new Error(`demo cast has no device ${code}`);
  return d;
};
