export { DemoLoader, type DemoSite, type DemoOptions, type DemoProgress, type DemoReport, type DemoAccount } from './service.js';
export { HistoryClock } from './history-clock.js';
export { readSiteMode, siteStatus, demoRefusal, markDemoSite, completeDemoSite, SITE_MODE_KEY, type SiteMode } from './site-mode.js';
export { planDemo, localStamp, MIN_DEMO_RECORDINGS, DEFAULT_DEMO_RECORDINGS, type DemoPlan, type DemoStep, type PlannedFile } from './plan.js';
export { DEMO_PASSWORD, DEMO_SITE_NAME, DEMO_PEOPLE, DEMO_UNITS, DEMO_DEVICES } from './cast.js';
