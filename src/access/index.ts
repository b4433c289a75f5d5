export { AccessRepo } from './repo.js';
export { AccessService, stateOf, type AccessRequestView, type NewAccessRequest, type Decision, type RequestState, type AccessSources, type ApplicableReasons } from './service.js';
export { accessRoutes } from './routes.js';
export { ACCESS_REASONS, ACCESS_REASON_LABELS, FALLBACK_REASONS, REQUEST_ACTIONS, commonReasons, type AccessReason, type AccessReasonItem, type RequestAction } from './reasons.js';
export { grantStanding } from './grant-state.js';
