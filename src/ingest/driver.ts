import { readdir, statfs, unlink, open } from 'node:fs/promises';
import path from 'node:path';

/** A recorder as seen by the collection station while it is docked. */
export interface DockedDevice {
  /** Stable for this docking (e.g. the mount folder). */
  key: string;
  /** Where its files are, once in mass-storage mode. */
  root: string;
}

export interface DeviceIdentity {
  serial?: string | undefined;
  officerBadge?: string | undefined;
  model?: string | undefined;
}

export interface DeviceStatus {
  batteryPercent?: number | undefined;
  freeBytes?: number | undefined;
  totalBytes?: number | undefined;
}

/**
 * The seam between the collection pipeline and recorder hardware. The built-in driver treats
 * each folder under the dock root as a mounted recorder in mass-storage mode; vendor drivers
 * (e.g. the MPS collection-station interface) implement the same calls.
 */
export interface DeviceDriver {
  readonly name: string;
  /** Recorders currently docked under `dockRoot`. */
  detect(dockRoot: string): Promise<DockedDevice[]>;
  identify(device: DockedDevice): Promise<DeviceIdentity>;
  status(device: DockedDevice): Promise<DeviceStatus>;
  /** The device clock now (UTC epoch ms), when the device can tell; undefined otherwise. */
  readClock(device: DockedDevice): Promise<number | undefined>;
  /** Sets the device clock; false when the device can't be set this way. */
  setClock(device: DockedDevice, at: number): Promise<boolean>;
  /** Switches to mass storage and returns the folder holding its files. */
  enterMassStorage(device: DockedDevice): Promise<string>;
  /** Frees storage: called only with files the platform has stored and re-verified. */
  freeStorage(device: DockedDevice, files: readonly Buffer[]): Promise<void>;
}

/** Plain mass-storage folders: what every recorder offers over USB. */
export class MassStorageDriver implements DeviceDriver {
  readonly name = 'mass-storage';

  async detect(dockRoot: string): Promise<DockedDevice[]> {
    const entries = await readdir(dockRoot, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => ({ key: e.name, root: path.join(dockRoot, e.name) }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** A mounted recorder's volume is often labelled with its 7-character product serial. */
  identify(device: DockedDevice): Promise<DeviceIdentity> {
    const label = path.basename(device.root);
    return Promise.resolve(/^[A-Za-z0-9]{7}$/.test(label) ? { serial: label } : {});
  }

  async status(device: DockedDevice): Promise<DeviceStatus> {
    const s = await statfs(device.root);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  }

  readClock(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }

  setClock(): Promise<boolean> {
    return Promise.resolve(false);
  }

  enterMassStorage(device: DockedDevice): Promise<string> {
    return Promise.resolve(device.root);
  }

  async freeStorage(_device: DockedDevice, files: readonly Buffer[]): Promise<void> {
    const dirs = new Set<string>();
    for (const f of files) {
      await unlink(f);
      dirs.add(path.dirname(f.toString('utf8')));
    }
    for (const d of dirs) {
      try {
        const fd = await open(d, 'r');
        await fd.sync();
        await fd.close();
      } catch {
        // best effort: the folder may have non-UTF-8 name bytes
      }
    }
  }
}
