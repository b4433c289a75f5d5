export { AuditLedger, type InclusionProof, type ConsistencyProof } from './ledger.js';
export { AuditRepo } from './repo.js';
export type { AuditEvent } from './leaf.js';
export { decodeLeaf } from './leaf.js';
export { loadOrCreateSiteKey, verifyTreeHead, treeHeadMessage, type SignedTreeHead, type SiteKey } from './signing.js';
export { verifyLedger, type LedgerProblem, type LedgerReport } from './verify-ledger.js';
export { verifyInclusion, verifyConsistency, leafHash } from './merkle.js';
export { verifySite, type VerifyReport, type VerifyProgress, type Problem } from './verify-site.js';
