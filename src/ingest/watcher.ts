import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/log.js';
import type { DeviceDriver, DockedDevice, DeviceIdentity, DeviceStatus } from './driver.js';
import type { BatchResult, IngestOptions, IngestPipeline } from './pipeline.js';
import { walkSource } from './walk.js';

export type DockEvent =
  | { kind: 'docked'; device: DockedDevice; identity: DeviceIdentity; status: DeviceStatus; clockOffsetMs: number | null }
  | { kind: 'imported'; device: DockedDevice; result: BatchResult }
  | { kind: 'failed'; device: DockedDevice; error: string }
  | { kind: 'undocked'; device: DockedDevice };

export interface DockWatchOptions extends Omit<IngestOptions, 'sourceKind' | 'wipe' | 'deviceSerial' | 'officerBadge' | 'clockOffsetMs'> {
  wipeSource: boolean;
  pollMs: number;
  deviceSerial?: string | undefined;
  officerBadge?: string | undefined;
  onEvent(e: DockEvent): void;
}

interface Seen {
  signature: string;
  imported: boolean;
}

/**
 * The collection station (采集工作站): watches a dock folder and imports each recorder that
 * appears, once per docking. A device is imported when its file list has stopped changing for
 * one poll (the mount finished); it is imported again only after it was undocked and redocked.
 */
export class DockWatcher {
  private seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;

  constructor(
    private readonly dockRoot: string,
    private readonly driver: DeviceDriver,
    private readonly pipeline: IngestPipeline,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: DockWatchOptions,
  ) {}

  start(): void {
    const tick = () => {
      this.busy ??= this.poll()
        .catch((e: unknown) => this.log.error({ err: e }, 'dock poll failed'))
        .finally(() => {
          this.busy = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, this.opts.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  /** One look at the dock: import devices whose files settled, forget devices that left. */
  async poll(): Promise<void> {
    const devices = await this.driver.detect(this.dockRoot);
    const present = new Set(devices.map((d) => d.key));
    for (const [key] of this.seen) {
      if (!present.has(key)) {
        this.seen.delete(key);
        this.opts.onEvent({ kind: 'undocked', device: { key, root: '' } });
      }
    }
    for (const device of devices) {
      const files = await walkSource(device.root).catch(() => []);
      const signature = `${files.length}:${files.reduce((s, f) => s + f.size, 0)}:${files.reduce((m, f) => Math.max(m, f.mtimeMs), 0)}`;
      const prev = this.seen.get(device.key);
      if (prev?.imported) continue;
      if (!prev || prev.signature !== signature) {
        this.seen.set(device.key, { signature, imported: false });
        continue;
      }
      // Nothing there yet (a mount still coming up, or a recorder with nothing on it): keep watching.
      if (files.length === 0) continue;
      await this.importDevice(device);
      prev.imported = true;
    }
  }

  private async importDevice(device: DockedDevice): Promise<void> {
    try {
      const identity = await this.driver.identify(device);
      const status = await this.driver.status(device).catch(() => ({}));
      const deviceNow = await this.driver.readClock(device);
      const clockOffsetMs = deviceNow === undefined ? null : deviceNow - this.clock.now();
      this.opts.onEvent({ kind: 'docked', device, identity, status, clockOffsetMs });
      const root = await this.driver.enterMassStorage(device);
      const result = await this.pipeline.importSource(root, {
        ...this.opts,
        sourceKind: 'dock',
        deviceSerial: identity.serial ?? this.opts.deviceSerial,
        officerBadge: identity.officerBadge ?? this.opts.officerBadge,
        // A reading taken now wins; without one the device's last calibration applies (the pipeline asks the desk).
        clockOffsetMs: clockOffsetMs ?? undefined,
        wipe: this.opts.wipeSource ? (files) => this.driver.freeStorage(device, files) : undefined,
      });
      this.opts.onEvent({ kind: 'imported', device, result });
    } catch (e) {
      this.opts.onEvent({ kind: 'failed', device, error: (e as Error).message });
    }
  }
}
