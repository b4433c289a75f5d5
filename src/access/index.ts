export { AccessRepo } from './repo.js';
export { AccessService, stateOf, type AccessRequestView, type NewAccessRequest, type Decision, type RequestState } from './service.js';
export { accessRoutes } from './routes.js';
export { ACCESS_REASONS, ACCESS_REASON_LABELS, REQUEST_ACTIONS, type AccessReason, type RequestAction } from './reasons.js';
export { grantStanding } from './grant-state.js';
