export { IngestPipeline, sanitizeUploadName, type BatchResult, type ItemResult, type IngestOptions, type IngestProgress } from './pipeline.js';
export { DockWatcher, type DockEvent } from './watcher.js';
export { MassStorageDriver, type DeviceDriver, type DockedDevice } from './driver.js';
export { parseRecorderFileName, compilePatterns, BUILT_IN_PATTERNS } from './file-names.js';
