export { OverviewService, type Overview, type OverviewQuery, type DayFigures, type ExpirySource } from './overview.js';
export { OverviewRepo } from './repo.js';
export { supervisionRoutes } from './routes.js';
export { lastLocalDays, sumByDay, type LocalDay } from './day-buckets.js';
