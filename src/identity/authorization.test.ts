import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, isContentAction, recordingVisibility, type AuthzAction, type AuthzActor, type AuthzTarget, type GrantState, type Sensitivity } from './authorization.js';
import { ROLE_IDS, type RoleId } from './roles.js';

// Unit tree used throughout:      county
//                                /      \
//                          station-a   station-b
//                              |
//                           team-a1
const PATH = {
  county: ['county'],
  'station-a': ['county', 'station-a'],
  'station-b': ['county', 'station-b'],
  'team-a1': ['county', 'station-a', 'team-a1'],
} as const;
type UnitName = keyof typeof PATH;

/** The actor sits in station-a; each scope names where the target lies relative to them. */
const SCOPES: Record<'own' | 'child' | 'sibling' | 'parent', UnitName> = { own: 'station-a', child: 'team-a1', sibling: 'station-b', parent: 'county' };
const GRANTS: GrantState[] = ['none', 'pending', 'approved', 'expired', 'revoked'];

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
const roleCan = (r: RoleId, a: AuthzAction) => CAN[r].split(' ').includes(WORD[a]);

function actor(roles: RoleId[], over: Partial<AuthzActor> = {}): AuthzActor {
  return { id: 'me', roles, unitId: 'station-a', active: true, clearance: 0, unitDepth: 1, ...over };
}
function recording(unit: UnitName, over: Partial<AuthzTarget> = {}): AuthzTarget {
  return { unitPath: PATH[unit], sensitivity: 0, officerId: 'me', requesterId: 'someone-else', isRecording: true, ...over };
}

describe('authorize: every role × action × scope × grant state × sensitivity', () => {
  const cases: Array<{ role: RoleId; action: AuthzAction; scope: keyof typeof SCOPES; grant: GrantState; sensitivity: Sensitivity }> = [];
  for (const role of ROLE_IDS)
    for (const action of ACTIONS)
      for (const scope of Object.keys(SCOPES) as Array<keyof typeof SCOPES>)
        for (const grant of GRANTS) for (const sensitivity of [0, 1] as Sensitivity[]) cases.push({ role, action, scope, grant, sensitivity });

  it('covers well over 300 cases', () => {
    expect(cases.length).toBeGreaterThan(300);
  });

  it.each(cases.map((c) => [`${c.role} ${c.action} ${c.scope} grant=${c.grant} sensitivity=${c.sensitivity}`, c] as const))('%s', (_name, c) => {
    const d = authorize({ actor: actor([c.role]), action: c.action, target: recording(SCOPES[c.scope], { sensitivity: c.sensitivity }), grant: c.grant });
    const inScope = c.scope === 'own' || c.scope === 'child';
    if (!inScope) {
      expect(d).toEqual({ allow: false, reason: 'outside_unit_scope', conceal: true });
      return;
    }
    if (c.sensitivity > 0) {
      // Clearance 0 sees no sensitive recording: hidden, not forbidden.
      expect(d).toEqual({ allow: false, reason: 'clearance_insufficient', conceal: true });
      return;
    }
    if (!roleCan(c.role, c.action)) {
      expect(d.allow).toBe(false);
      if (!d.allow) expect(d.reason).toBe(isContentAction(c.action) ? 'content_not_permitted_for_role' : 'role_not_permitted');
      return;
    }
    if (isContentAction(c.action)) {
      const expected = { none: 'grant_required', pending: 'grant_pending', expired: 'grant_expired', revoked: 'grant_revoked' } as const;
      if (c.grant === 'approved') expect(d).toEqual({ allow: true, basis: 'grant' });
      else expect(d).toEqual({ allow: false, reason: expected[c.grant], conceal: false });
      return;
    }
    expect(d).toEqual({ allow: true, basis: 'role' });
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
