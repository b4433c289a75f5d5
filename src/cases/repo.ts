import type { Database, Executor, Trx } from '../platform/db/database.js';
import type { CaseRecordingTable, CaseTable, WorkRecordTable } from '../platform/db/schema.js';

export type CaseRow = CaseTable;
export type CaseLinkRow = CaseRecordingTable;
export type WorkRecordRow = WorkRecordTable;

export interface CaseQuery {
  unitIds: string[];
  status?: CaseRow['status'] | undefined;
  text?: string | undefined;
  party?: string | undefined;
  officerId?: string | undefined;
  /** Cases whose documents' interval meets [from, to). */
  from?: number | undefined;
  to?: number | undefined;
  before?: { createdAt: number; id: string } | undefined;
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class CasesRepo {
  constructor(private readonly db: Database) {}

  byId(id: string, ex: Executor = this.db.kysely): Promise<CaseRow | undefined> {
    return ex.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byNumber(number: string, ex: Executor = this.db.kysely): Promise<CaseRow | undefined> {
    return ex.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
  }

  async insert(trx: Trx, row: CaseRow): Promise<void> {
    await trx.insertInto('cases').values(row).execute();
  }

  async update(trx: Trx, id: string, set: Partial<CaseRow>): Promise<void> {
    await trx.updateTable('cases').set(set).where('id', '=', id).execute();
  }

  async search(q: CaseQuery): Promise<CaseRow[]> {
    let query = this.db.kysely.selectFrom('cases').selectAll().where('unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : ['']);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.text) {
      const like = `%${likeEscape(q.text)}%`;
      query = query.where((eb) => eb.or([eb('number', 'like', like), eb('title', 'like', like)]));
    }
    if (q.party) query = query.where('supervised_party', 'like', `%${likeEscape(q.party)}%`);
    if (q.officerId) query = query.where('officer_ids', 'like', `%"${likeEscape(q.officerId)}"%`);
    if (q.from !== undefined) query = query.where((eb) => eb.or([eb('documents_ended_at', '>=', q.from!), eb('documents_ended_at', 'is', null)]));
    if (q.to !== undefined) query = query.where((eb) => eb.or([eb('documents_started_at', '<', q.to!), eb('documents_started_at', 'is', null)]));
    if (q.before) {
      const { createdAt, id } = q.before;
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(createdAt, id)));
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  }

  links(caseId: string, ex: Executor = this.db.kysely): Promise<CaseLinkRow[]> {
    return ex.selectFrom('case_recordings').selectAll().where('case_id', '=', caseId).orderBy('linked_at').execute();
  }

  /** Cases a recording is linked to (the retention rules and the recording's page need them). */
  casesOfRecording(recordingId: string): Promise<CaseRow[]> {
    return this.db.kysely
      .selectFrom('case_recordings as l')
      .innerJoin('cases as c', 'c.id', 'l.case_id')
      .selectAll('c')
      .where('l.recording_id', '=', recordingId)
      .orderBy('c.created_at')
      .execute();
  }

  /** Inserts links that don't exist yet; returns the recording ids newly linked. */
  async link(trx: Trx, rows: CaseLinkRow[]): Promise<string[]> {
    const added: string[] = [];
    for (const r of rows) {
      const exists = await trx.selectFrom('case_recordings').select('case_id').where('case_id', '=', r.case_id).where('recording_id', '=', r.recording_id).executeTakeFirst();
      if (exists) continue;
      await trx.insertInto('case_recordings').values(r).execute();
      added.push(r.recording_id);
    }
    return added;
  }

  async unlink(trx: Trx, caseId: string, recordingId: string): Promise<boolean> {
    const r = await trx.deleteFrom('case_recordings').where('case_id', '=', caseId).where('recording_id', '=', recordingId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async insertWorkRecord(trx: Trx, row: WorkRecordRow): Promise<void> {
    await trx.insertInto('work_records').values(row).execute();
  }

  workRecord(id: string): Promise<WorkRecordRow | undefined> {
    return this.db.kysely.selectFrom('work_records').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async decideWorkRecord(trx: Trx, id: string, set: Pick<WorkRecordRow, 'status' | 'decided_by' | 'decided_at' | 'decision_reason'>): Promise<boolean> {
    const r = await trx.updateTable('work_records').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  workRecords(q: { unitIds: string[]; caseId?: string | undefined; status?: WorkRecordRow['status'] | undefined; officerId?: string | undefined; limit: number }): Promise<WorkRecordRow[]> {
    let query = this.db.kysely.selectFrom('work_records').selectAll().where('unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : ['']);
    if (q.caseId) query = query.where('case_id', '=', q.caseId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.officerId) query = query.where('officer_id', '=', q.officerId);
    return query.orderBy('occurred_at', 'desc').limit(q.limit).execute();
  }
}
