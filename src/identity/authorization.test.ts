import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, isContentAction, recordingVisibility, type AuthzAction, type AuthzActor, type AuthzDecision, type AuthzTarget, type GrantState, type Sensitivity } from './authorization.js';
import { ROLE_IDS, type RoleId } from './roles.js';

// Unit tree used throughout:      county            (depth 0)
//                                /      \
//                          station-a   station-b     (depth 1)
//                              |
//                           team-a1                  (depth 2)
const PATH = {
  county: ['county'],
  'station-a': ['county', 'station-a'],
  'station-b': ['county', 'station-b'],
  'team-a1': ['county', 'station-a', 'team-a1'],
} as const;
type UnitName = keyof typeof PATH;
const UNITS = Object.keys(PATH) as UnitName[];

const GRANTS: GrantState[] = ['none', 'pending', 'approved', 'expired', 'revoked'];
const LEVELS: Sensitivity[] = [0, 1, 2, 3];

/** What each role may be granted or do, written independently of the implementation's table. */
const CAN: Record<RoleId, string> = {
  officer: 'search read view request device.read fault unit.read verify case.read case case.link wr.file',
  custodian: 'device.register issue return inspect fault repair device.read unit.read user.read verify',
  collector: 'search read import view request device.read fault unit.read user.read verify',
  dispatcher: 'search read update import sensitive view download export delete request list device.read unit.read user.read audit verify case.read case case.link wr.file r.read r.mark r.propose r.restore',
  approver: 'search read sensitive view download export request approve revoke list device.read unit.read user.read audit verify case.read case case.link wr.approve r.read r.mark r.hold r.propose r.approve r.restore',
  supervisor: 'search read view download export request list device.read unit.read user.read audit verify case.read case case.link wr.file r.read r.mark r.hold',
  admin: 'unit.read unit user.read user settings audit verify r.read profile',
};
const WORD: Record<AuthzAction, string> = {
  'recording.search': 'search',
  'recording.read': 'read',
  'recording.update': 'update',
  'recording.import': 'import',
  'recording.mark_sensitive': 'sensitive',
  'recording.view': 'view',
  'recording.download': 'download',
  'recording.export': 'export',
  'recording.delete': 'delete',
  'access.request': 'request',
  'access.approve': 'approve',
  'access.revoke': 'revoke',
  'device.register': 'device.register',
  'device.issue': 'issue',
  'device.return': 'return',
  'device.inspect': 'inspect',
  'device.report_fault': 'fault',
  'device.read': 'device.read',
  'device.repair': 'repair',
  'access.list': 'list',
  'unit.read': 'unit.read',
  'unit.manage': 'unit',
  'user.read': 'user.read',
  'user.manage': 'user',
  'settings.manage': 'settings',
  'audit.read': 'audit',
  'audit.verify': 'verify',
  'case.read': 'case.read',
  'case.manage': 'case',
  'case.link': 'case.link',
  'work_record.file': 'wr.file',
  'work_record.approve': 'wr.approve',
  'retention.read': 'r.read',
  'retention.mark': 'r.mark',
  'retention.hold': 'r.hold',
  'retention.propose': 'r.propose',
  'retention.approve': 'r.approve',
  'retention.restore': 'r.restore',
  'profile.manage': 'profile',
};
const CAN_WORDS = new Map(ROLE_IDS.map((r) => [r, new Set(CAN[r].split(' '))]));
const roleCan = (r: RoleId, a: AuthzAction) => CAN_WORDS.get(r)!.has(WORD[a]);

function actor(roles: RoleId[], over: Partial<AuthzActor> = {}): AuthzActor {
  return { id: 'me', roles, unitId: 'station-a', active: true, clearance: 0, unitDepth: 1, ...over };
}
function recording(unit: UnitName, over: Partial<AuthzTarget> = {}): AuthzTarget {
  return { unitPath: PATH[unit], sensitivity: 0, officerId: 'me', requesterId: 'someone-else', isRecording: true, ...over };
}

// ---------------------------------------------------------------------------------------------
// The policy restated, as the oracle the tables below check `authorize` against. It is written
// from docs/operations.md ("People, units and authority", "Clearance and sensitive recordings",
// "Access requests and grants"), the issue (denials 403 with a reason; a recording the user may
// not know about 404) and the role table above — never by calling the rule. The unit tree is
// held as parent links here (the rule gets root paths), so the two reach their answers apart.
// ---------------------------------------------------------------------------------------------
const PARENT: Record<UnitName, UnitName | null> = { county: null, 'station-a': 'county', 'station-b': 'county', 'team-a1': 'station-a' };
/** 0 for the county bureau, 1 for a station, 2 for a team. */
function depthOf(u: UnitName): number {
  const up = PARENT[u];
  return up === null ? 0 : 1 + depthOf(up);
}
/** Is `u` the unit `top` or somewhere below it? */
function isWithin(u: UnitName, top: UnitName): boolean {
  for (let at: UnitName | null = u; at !== null; at = PARENT[at]) if (at === top) return true;
  return false;
}

/** What is acted on: a recording, another thing that belongs to a unit, or nothing (site-wide). */
type Kind = 'recording' | 'device' | 'unit' | 'user' | 'case' | 'site';
/** Who asked for the access being decided (approvals and revocations). */
type Requester = 'actor' | 'someone' | { approverAt: UnitName | null };

interface Situation {
  roles: readonly RoleId[];
  active: boolean;
  actorUnit: UnitName;
  clearance: Sensitivity;
  action: AuthzAction;
  kind: Kind;
  /** Where the target belongs; null when no unit is known (site-wide things, or a recording not found). */
  targetUnit: UnitName | null;
  /** Recordings only: the others carry none. */
  sensitivity: Sensitivity;
  /** Recordings only: made by the actor. */
  ownRecording: boolean;
  requester: Requester;
  grant: GrantState;
  /** Site setting sensitiveApprovalMaxDepth; undefined = the default (county bureau only). */
  maxDepth: number | undefined;
}

/** `allow:<basis>`, `deny:<reason>` (403) or `hide:<reason>` (404: existence not revealed). */
type Outcome = string;

function policy(s: Situation): Outcome {
  const content = isContentAction(s.action);
  const isRecording = s.kind === 'recording';
  // A switched-off account does nothing.
  if (!s.active) return 'deny:account_inactive';

  // A recording outside your subtree, or above your clearance, does not exist for you (404). A
  // recording whose unit is unknown lies in nobody's subtree.
  if (isRecording && (s.targetUnit === null || !isWithin(s.targetUnit, s.actorUnit))) return 'hide:outside_unit_scope';
  if (isRecording && s.sensitivity > s.clearance) return 'hide:clearance_insufficient';

  // Only what one of your roles allows. The administrator never touches content, grant or not.
  const entitled = s.roles.filter((r) => roleCan(r, s.action));
  if (entitled.length === 0) return content ? 'deny:content_not_permitted_for_role' : 'deny:role_not_permitted';

  // Anything else is acted on only inside your subtree; outside it the answer is a plain 403 (the
  // issue conceals recordings only). NB docs/operations.md also says "a person outside your
  // subtree … is not found (404)"; the rule (and so this oracle) answers 403 for a user there.
  // A thing without a unit is site-wide: the role alone decides.
  if (!isRecording && s.targetUnit !== null && !isWithin(s.targetUnit, s.actorUnit)) return 'deny:outside_unit_scope';

  // Officers (when no other role of theirs allows the action) know only the recordings they made.
  if (isRecording && entitled.every((r) => r === 'officer') && !s.ownRecording) return 'hide:not_own_recording';

  // Deciding access.
  if (s.action === 'access.approve' || s.action === 'access.revoke') {
    const approving = s.action === 'access.approve';
    // Nobody approves their own request…
    if (approving && s.requester === 'actor') return 'deny:self_approval_forbidden';
    // …and an approver's request goes to their own unit or above, never below (their place unknown: no).
    if (approving && typeof s.requester === 'object' && (s.requester.approverAt === null || !isWithin(s.requester.approverAt, s.actorUnit))) return 'deny:approver_below_requester';
    // Access to sensitive material is granted only by approvers at or above the configured level
    // (0 = county); revoking narrows access, so it needs no such level.
    if (approving && s.sensitivity > 0 && depthOf(s.actorUnit) > (s.maxDepth ?? 0)) return 'deny:approver_level_insufficient';
    if (s.sensitivity > s.clearance) return 'deny:clearance_insufficient';
    return 'allow:role';
  }

  // Content: only with an approved grant that has not run out or been revoked.
  if (content) {
    const refusal: Record<GrantState, Outcome> = { approved: 'allow:grant', none: 'deny:grant_required', pending: 'deny:grant_pending', expired: 'deny:grant_expired', revoked: 'deny:grant_revoked' };
    return refusal[s.grant];
  }
  return 'allow:role';
}

/** The rule's answer to the same situation, in the oracle's words. */
function ruleSays(s: Situation): Outcome {
  const who = { id: 'me', roles: s.roles, unitId: s.actorUnit, active: s.active, clearance: s.clearance, unitDepth: PATH[s.actorUnit].length - 1 };
  const target: AuthzTarget | undefined =
    s.kind === 'site'
      ? undefined
      : {
          unitPath: s.targetUnit === null ? [] : PATH[s.targetUnit],
          sensitivity: s.sensitivity,
          isRecording: s.kind === 'recording',
          officerId: s.kind === 'recording' ? (s.ownRecording ? 'me' : 'colleague') : undefined,
          requesterId: s.requester === 'actor' ? 'me' : 'asker',
          requesterIsApprover: typeof s.requester === 'object',
          requesterUnitPath: typeof s.requester === 'object' && s.requester.approverAt !== null ? PATH[s.requester.approverAt] : undefined,
        };
  const d: AuthzDecision = authorize({ actor: who, action: s.action, target, grant: s.grant, settings: s.maxDepth === undefined ? undefined : { sensitiveApprovalMaxDepth: s.maxDepth } });
  if (d.allow) return Object.keys(d).length === 2 ? `allow:${d.basis}` : `malformed:${JSON.stringify(d)}`;
  return Object.keys(d).length === 3 ? `${d.conceal ? 'hide' : 'deny'}:${d.reason}` : `malformed:${JSON.stringify(d)}`;
}

const describeSituation = (s: Situation) =>
  `[${s.roles.join('+')}@${s.actorUnit} clearance=${s.clearance}${s.active ? '' : ' inactive'}] ${s.action} ${s.kind}` +
  `${s.kind === 'site' ? '' : `@${s.targetUnit ?? 'no-unit'}`}${s.kind === 'recording' ? ` s=${s.sensitivity} ${s.ownRecording ? 'own' : 'colleague’s'}` : ''}` +
  ` grant=${s.grant} requester=${typeof s.requester === 'object' ? `approver@${s.requester.approverAt ?? '?'}` : s.requester} maxDepth=${s.maxDepth ?? 'default'}`;

/** Every situation on which the oracle and the rule disagree, described. */
function disagreements(situations: Iterable<Situation>): { checked: number; wrong: string[] } {
  let checked = 0;
  const wrong: string[] = [];
  for (const s of situations) {
    checked++;
    const want = policy(s);
    const got = ruleSays(s);
    if (want !== got && wrong.length < 20) wrong.push(`${describeSituation(s)}: expected ${want}, rule says ${got}`);
  }
  return { checked, wrong };
}

// The actor sits in station-a; each scope names where the target lies relative to them.
const SCOPES = { own: 'station-a', child: 'team-a1', sibling: 'station-b', parent: 'county', 'no unit': null } as const satisfies Record<string, UnitName | null>;
const SCOPE_UNITS: Array<UnitName | null> = Object.values(SCOPES);
/** Each role alone, and people who hold more than one (officer's own-recordings limit, admin's no-content rule). */
const ROLE_SETS: RoleId[][] = [...ROLE_IDS.map((r) => [r]), ['officer', 'custodian'], ['officer', 'collector'], ['admin', 'approver']];
const KINDS: Kind[] = ['recording', 'device', 'unit', 'user', 'case', 'site'];

/** role set × action × kind → every scope × grant state × sensitivity × clearance (× own/colleague's recording). */
function* mainTable(roles: RoleId[], action: AuthzAction, kind: Kind): Generator<Situation> {
  const actorUnit = 'station-a';
  const requester = 'someone';
  for (const targetUnit of kind === 'site' ? [null] : SCOPE_UNITS)
    for (const grant of GRANTS)
      for (const clearance of LEVELS)
        for (const sensitivity of kind === 'recording' ? LEVELS : [0 as const])
          for (const ownRecording of kind === 'recording' ? [true, false] : [false])
            // (object literals, not spreads: spreading ~10⁶ objects costs seconds)
            yield { roles, active: true, actorUnit, clearance, action, kind, targetUnit, sensitivity, ownRecording, requester, grant, maxDepth: undefined };
}

describe('authorize agrees with the policy on every role × action × target × scope × grant state × sensitivity × clearance', () => {
  const rows = ROLE_SETS.flatMap((roles) => ACTIONS.flatMap((action) => KINDS.map((kind) => [roles, action, kind] as const)));

  it.each(rows.map(([roles, action, kind]) => [`${roles.join('+')} ${action} on a ${kind}`, roles, action, kind] as const))('%s', (_name, roles, action, kind) => {
    const { checked, wrong } = disagreements(mainTable(roles, action, kind));
    expect(wrong).toEqual([]);
    expect(checked).toBe(kind === 'site' ? 20 : kind === 'recording' ? 800 : 100);
  });

  it('has genuine variety: well over 300 cases, and every outcome the policy knows appears', () => {
    const outcomes = new Map<Outcome, number>();
    let n = 0;
    for (const [roles, action, kind] of rows)
      for (const s of mainTable(roles, action, kind)) {
        n++;
        const o = policy(s);
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
    expect(n).toBe(ROLE_SETS.length * ACTIONS.length * (800 + 4 * 100 + 20));
    expect([...outcomes.keys()].sort()).toEqual(
      [
        'allow:grant', 'allow:role',
        'deny:approver_level_insufficient', 'deny:content_not_permitted_for_role', 'deny:grant_expired', 'deny:grant_pending', 'deny:grant_required', 'deny:grant_revoked',
        'deny:outside_unit_scope', 'deny:role_not_permitted',
        'hide:clearance_insufficient', 'hide:not_own_recording', 'hide:outside_unit_scope',
      ].sort(),
    );
  });

  it('a recording at or below the clearance is decided by the other facts; above it, hidden whatever they are', () => {
    for (const clearance of LEVELS)
      for (const sensitivity of LEVELS) {
        const s: Situation = { roles: ['dispatcher'], active: true, actorUnit: 'station-a', clearance, action: 'recording.view', kind: 'recording', targetUnit: 'team-a1', sensitivity, ownRecording: false, requester: 'someone', grant: 'approved', maxDepth: undefined };
        expect(ruleSays(s)).toBe(sensitivity <= clearance ? 'allow:grant' : 'hide:clearance_insufficient');
      }
  });

  it('a switched-off account is refused everything, everywhere', () => {
    const situations = function* (): Generator<Situation> {
      for (const roles of ROLE_SETS)
        for (const action of ACTIONS)
          for (const kind of KINDS)
            for (const targetUnit of kind === 'site' ? [null] : SCOPE_UNITS)
              yield { roles, active: false, actorUnit: 'station-a', clearance: 3, action, kind, targetUnit, sensitivity: kind === 'recording' ? 3 : 0, ownRecording: true, requester: 'someone', grant: 'approved', maxDepth: 2 };
    };
    const { checked, wrong } = disagreements(situations());
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(2000);
  });
});

describe('authorize agrees with the policy on deciding access: approver unit × recording unit × sensitivity × clearance × level setting × requester', () => {
  const REQUESTERS: Requester[] = ['actor', 'someone', ...UNITS.map((u) => ({ approverAt: u })), { approverAt: null }];
  const MAX_DEPTHS = [undefined, 0, 1, 2];

  it.each(UNITS.flatMap((actorUnit) => (['access.approve', 'access.revoke'] as const).map((action) => [`${action} by an approver in ${actorUnit} (depth ${depthOf(actorUnit)})`, actorUnit, action] as const)))(
    '%s',
    (_name, actorUnit, action) => {
      const situations = function* (): Generator<Situation> {
        for (const targetUnit of [...UNITS, null])
          for (const sensitivity of LEVELS)
            for (const clearance of LEVELS)
              for (const maxDepth of MAX_DEPTHS)
                for (const requester of REQUESTERS)
                  yield { roles: ['approver'], active: true, actorUnit, clearance, action, kind: 'recording', targetUnit, sensitivity, ownRecording: false, requester, grant: 'none', maxDepth };
      };
      const { checked, wrong } = disagreements(situations());
      expect(wrong).toEqual([]);
      expect(checked).toBe(5 * 4 * 4 * 4 * REQUESTERS.length);
    },
  );

  it('the level rule, spelled out: sensitive approvals only at or above sensitiveApprovalMaxDepth, and never above one’s clearance', () => {
    const approve = (unit: UnitName, clearance: Sensitivity, sensitivity: Sensitivity, maxDepth?: number) =>
      ruleSays({ roles: ['approver'], active: true, actorUnit: unit, clearance, action: 'access.approve', kind: 'recording', targetUnit: 'team-a1', sensitivity, ownRecording: false, requester: 'someone', grant: 'none', maxDepth });
    expect(approve('team-a1', 0, 0)).toBe('allow:role'); // not sensitive: any approver over it
    expect(approve('team-a1', 3, 1)).toBe('deny:approver_level_insufficient'); // default: county only
    expect(approve('station-a', 3, 3)).toBe('deny:approver_level_insufficient');
    expect(approve('county', 3, 3)).toBe('allow:role');
    expect(approve('county', 1, 2)).toBe('hide:clearance_insufficient'); // above the approver's own clearance: not even seen
    expect(approve('station-a', 2, 2, 1)).toBe('allow:role');
    expect(approve('team-a1', 2, 2, 1)).toBe('deny:approver_level_insufficient');
    expect(approve('team-a1', 2, 2, 2)).toBe('allow:role');
  });
});

describe('authorize: rules that must never bend', () => {
  const arbActor = fc.record({
    roles: fc.subarray([...ROLE_IDS], { minLength: 1 }),
    clearance: fc.constantFrom<Sensitivity>(0, 1, 2, 3),
    unitDepth: fc.integer({ min: 0, max: 3 }),
    active: fc.boolean(),
  });
  const arbTarget = fc.record({
    unit: fc.constantFrom<UnitName>('county', 'station-a', 'station-b', 'team-a1'),
    sensitivity: fc.constantFrom<Sensitivity>(0, 1, 2, 3),
    officerId: fc.constantFrom('me', 'other'),
    requesterId: fc.constantFrom('me', 'other'),
  });
  const arbAction = fc.constantFrom(...ACTIONS);
  const arbGrant = fc.constantFrom(...GRANTS);

  it('content needs an approved grant, and never for an administrator-only account', () => {
    fc.assert(
      fc.property(arbActor, arbTarget, arbAction, arbGrant, (a, t, action, grant) => {
        const d = authorize({ actor: actor(a.roles, a), action, target: recording(t.unit, t), grant });
        if (isContentAction(action) && d.allow) {
          expect(grant).toBe('approved');
          expect(a.roles.some((r) => r !== 'admin')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('nothing outside the subtree or above the clearance is even revealed', () => {
    fc.assert(
      fc.property(arbActor, arbTarget, arbAction, arbGrant, (a, t, action, grant) => {
        const d = authorize({ actor: actor(a.roles, a), action, target: recording(t.unit, t), grant });
        const outside = !(PATH[t.unit] as readonly string[]).includes('station-a');
        if (a.active && (outside || t.sensitivity > a.clearance)) expect(d).toMatchObject({ allow: false, conceal: true });
        if (!a.active) expect(d).toMatchObject({ allow: false, reason: 'account_inactive' });
      }),
      { numRuns: 3000 },
    );
  });

  it('nobody approves their own request', () => {
    fc.assert(
      fc.property(arbActor, arbTarget, (a, t) => {
        const d = authorize({ actor: actor(a.roles, a), action: 'access.approve', target: recording(t.unit, { ...t, requesterId: 'me' }) });
        expect(d.allow).toBe(false);
      }),
    );
  });

  it('a request by an approver is decided only beside or above them, whatever else holds', () => {
    fc.assert(
      fc.property(arbActor, arbTarget, fc.constantFrom<UnitName>('county', 'station-a', 'station-b', 'team-a1'), fc.constantFrom<UnitName>('county', 'station-a', 'station-b', 'team-a1'), (a, t, actorUnit, requesterUnit) => {
        const target = recording(t.unit, { ...t, requesterId: 'other', requesterIsApprover: true, requesterUnitPath: PATH[requesterUnit] });
        const d = authorize({ actor: actor(a.roles, { ...a, unitId: actorUnit }), action: 'access.approve', target });
        if (!(PATH[requesterUnit] as readonly string[]).includes(actorUnit)) expect(d.allow).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('sensitive recordings need an approver at the configured level', () => {
    const approver = actor(['approver'], { clearance: 3, unitDepth: 1 });
    const target = recording('station-a', { sensitivity: 2 });
    expect(authorize({ actor: approver, action: 'access.approve', target })).toMatchObject({ allow: false, reason: 'approver_level_insufficient' });
    expect(authorize({ actor: approver, action: 'access.approve', target, settings: { sensitiveApprovalMaxDepth: 1 } })).toEqual({ allow: true, basis: 'role' });
    const county = { ...approver, unitId: 'county', unitDepth: 0 };
    expect(authorize({ actor: county, action: 'access.approve', target })).toEqual({ allow: true, basis: 'role' });
  });

  it('officers know only their own recordings', () => {
    expect(authorize({ actor: actor(['officer']), action: 'recording.read', target: recording('station-a', { officerId: 'other' }) })).toEqual({ allow: false, reason: 'not_own_recording', conceal: true });
    expect(authorize({ actor: actor(['officer']), action: 'recording.read', target: recording('station-a') })).toEqual({ allow: true, basis: 'role' });
    expect(authorize({ actor: actor(['officer', 'supervisor']), action: 'recording.read', target: recording('station-a', { officerId: 'other' }) })).toEqual({ allow: true, basis: 'role' });
  });

  it('site-wide actions follow the role alone', () => {
    expect(authorize({ actor: actor(['admin']), action: 'user.manage' })).toEqual({ allow: true, basis: 'role' });
    expect(authorize({ actor: actor(['dispatcher']), action: 'user.manage' })).toMatchObject({ allow: false, reason: 'role_not_permitted' });
  });
});

describe('authorize: a request by an approver goes to someone above or beside them (issue 3)', () => {
  // The recording lies in team-a1, so every approver on the way down (county, station-a, team-a1)
  // has it in scope; station-b's approver does not even know it exists.
  const DEPTH: Record<UnitName, number> = { county: 0, 'station-a': 1, 'station-b': 1, 'team-a1': 2 };
  type Expected = 'allow' | 'approver_below_requester' | 'outside_unit_scope';
  const TABLE: Array<[decider: UnitName, requester: UnitName, requesterIsApprover: boolean, expected: Expected]> = [
    // The requester approves too: only their own unit (beside) or a unit above it decides.
    ['county', 'station-a', true, 'allow'],
    ['station-a', 'station-a', true, 'allow'],
    ['team-a1', 'station-a', true, 'approver_below_requester'],
    ['station-b', 'station-a', true, 'outside_unit_scope'],
    ['county', 'team-a1', true, 'allow'],
    ['station-a', 'team-a1', true, 'allow'],
    ['team-a1', 'team-a1', true, 'allow'],
    ['county', 'county', true, 'allow'],
    ['station-a', 'county', true, 'approver_below_requester'],
    ['team-a1', 'county', true, 'approver_below_requester'],
    // A station approver whose unit is a sibling branch is neither above nor beside.
    ['county', 'station-b', true, 'allow'],
    ['station-a', 'station-b', true, 'approver_below_requester'],
    ['team-a1', 'station-b', true, 'approver_below_requester'],
    // Anyone else's request: any approver with authority over the recording decides.
    ['county', 'station-a', false, 'allow'],
    ['station-a', 'station-a', false, 'allow'],
    ['team-a1', 'station-a', false, 'allow'],
    ['team-a1', 'county', false, 'allow'],
    ['station-b', 'station-a', false, 'outside_unit_scope'],
  ];

  it.each(TABLE)('approver in %s, request from %s (requester approves: %s) → %s', (decider, requester, requesterIsApprover, expected) => {
    const approver = actor(['approver'], { id: 'decider', unitId: decider, unitDepth: DEPTH[decider] });
    const target = recording('team-a1', { requesterId: 'asker', requesterUnitPath: PATH[requester], requesterIsApprover });
    const d = authorize({ actor: approver, action: 'access.approve', target });
    if (expected === 'allow') expect(d).toEqual({ allow: true, basis: 'role' });
    else expect(d).toEqual({ allow: false, reason: expected, conceal: expected === 'outside_unit_scope' });
  });

  it('an approver’s own request is still refused as their own, first', () => {
    const approver = actor(['approver'], { unitId: 'county', unitDepth: 0 });
    const target = recording('team-a1', { requesterId: 'me', requesterUnitPath: PATH.county, requesterIsApprover: true });
    expect(authorize({ actor: approver, action: 'access.approve', target })).toEqual({ allow: false, reason: 'self_approval_forbidden', conceal: false });
  });

  it('without the requester’s place the rule does not guess: default deny', () => {
    const approver = actor(['approver'], { unitId: 'county', unitDepth: 0 });
    for (const requesterUnitPath of [undefined, null, []]) {
      const target = recording('team-a1', { requesterId: 'asker', requesterUnitPath, requesterIsApprover: true });
      expect(authorize({ actor: approver, action: 'access.approve', target })).toEqual({ allow: false, reason: 'approver_below_requester', conceal: false });
    }
  });

  it('revoking an approver’s grant is not bound by it (ending access early only narrows it)', () => {
    const approver = actor(['approver'], { unitId: 'team-a1', unitDepth: 2 });
    const target = recording('team-a1', { requesterId: 'asker', requesterUnitPath: PATH['station-a'], requesterIsApprover: true });
    expect(authorize({ actor: approver, action: 'access.revoke', target })).toEqual({ allow: true, basis: 'role' });
  });

  it('the requester’s place is weighed before the level rule for sensitive recordings', () => {
    const approver = actor(['approver'], { unitId: 'team-a1', unitDepth: 2, clearance: 3 });
    const target = recording('team-a1', { sensitivity: 1, requesterId: 'asker', requesterUnitPath: PATH['station-a'], requesterIsApprover: true });
    expect(authorize({ actor: approver, action: 'access.approve', target })).toMatchObject({ allow: false, reason: 'approver_below_requester' });
  });
});

describe('recordingVisibility agrees with authorize on every recording', () => {
  it('a row passes the search filters exactly when authorize lets the actor read it', () => {
    fc.assert(
      fc.property(
        fc.subarray([...ROLE_IDS], { minLength: 1 }),
        fc.constantFrom<Sensitivity>(0, 1, 2, 3),
        fc.constantFrom<Sensitivity>(0, 1, 2, 3),
        fc.constantFrom('me', 'other', null),
        fc.constantFrom<UnitName>('station-a', 'team-a1'),
        (roles, clearance, sensitivity, officerId, unit) => {
          const a = actor(roles, { clearance });
          const v = recordingVisibility(a);
          const shown = v.visible && sensitivity <= v.maxSensitivity && (v.officerId === null || v.officerId === officerId);
          const d = authorize({ actor: a, action: 'recording.read', target: recording(unit, { sensitivity, officerId }) });
          expect(shown).toBe(d.allow);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
