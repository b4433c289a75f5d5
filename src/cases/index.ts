export { CasesRepo, type CaseRow, type WorkRecordRow } from './repo.js';
export { CasesService, caseView, workRecordView, type CaseView, type CaseDetail, type CaseInput, type WorkRecordView } from './service.js';
export { caseRoutes } from './routes.js';
export { checkTimeConsistency, type ConsistencyReport } from './time-consistency.js';
