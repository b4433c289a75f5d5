import type { Database } from '../platform/db/database.js';

export interface UnitNode {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

/**
 * The unit tree (R-ORG) as authorization sees it: the path from the root to a unit, and a unit's
 * subtree. Units are never deleted and never move, so a cached path never goes stale; a unit
 * added by another process (the CLI beside the server) is picked up because the cache refreshes
 * whenever the number of units changed.
 */
export class UnitTree {
  private byId = new Map<string, UnitNode>();
  private children = new Map<string, string[]>();
  private loadedCount = -1;

  constructor(private readonly db: Database) {}

  private async refresh(force = false): Promise<void> {
    const r = await this.db.kysely.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const n = Number(r?.n ?? 0);
    if (!force && n === this.loadedCount) return;
    const rows = await this.db.kysely.selectFrom('units').select(['id', 'code', 'name', 'parent_id']).execute();
    const byId = new Map<string, UnitNode>();
    const children = new Map<string, string[]>();
    for (const u of rows) {
      byId.set(u.id, { id: u.id, code: u.code, name: u.name, parentId: u.parent_id });
      if (u.parent_id) children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u.id]);
    }
    this.byId = byId;
    this.children = children;
    this.loadedCount = rows.length;
  }

  /** Forget cached names (after a rename in this process). */
  invalidate(): void {
    this.loadedCount = -1;
  }

  async node(unitId: string): Promise<UnitNode | undefined> {
    if (!this.byId.has(unitId)) await this.refresh();
    return this.byId.get(unitId);
  }

  /** Unit ids from the root down to `unitId` (inclusive); empty for an unknown unit. */
  async path(unitId: string): Promise<string[]> {
    if (!this.byId.has(unitId)) await this.refresh();
    const out: string[] = [];
    let cur = this.byId.get(unitId);
    while (cur && out.length < 64) {
      out.unshift(cur.id);
      cur = cur.parentId ? this.byId.get(cur.parentId) : undefined;
    }
    return out;
  }

  /** 0 for a root unit (county bureau), 1 for a station, 2 for a team… */
  async depth(unitId: string): Promise<number> {
    return Math.max(0, (await this.path(unitId)).length - 1);
  }

  /** A unit and every unit below it. */
  async subtreeIds(unitId: string): Promise<string[]> {
    await this.refresh();
    if (!this.byId.has(unitId)) return [];
    const out: string[] = [];
    const stack = [unitId];
    while (stack.length > 0) {
      const id = stack.pop()!;
      out.push(id);
      stack.push(...(this.children.get(id) ?? []));
    }
    return out;
  }

  async all(): Promise<UnitNode[]> {
    await this.refresh(true);
    return [...this.byId.values()];
  }
}
