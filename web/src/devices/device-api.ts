import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, queryString } from '../api/http';
import type { DirectoryUser } from '../api/types';
import type { AllocationClass, AllocationReport, Device, DeviceHistory, DeviceStatus } from './types';

/** Every cached answer of the desk starts with this key: one invalidation after a change refreshes lists, device and history. */
export const DEVICES_KEY = ['devices'] as const;

export function useDeviceList(filter: { status?: DeviceStatus | ''; q?: string }) {
  return useQuery({
    queryKey: [...DEVICES_KEY, 'list', filter],
    queryFn: ({ signal }) => api<{ items: Device[] }>(`/api/devices${queryString({ status: filter.status || undefined, q: filter.q?.trim() || undefined })}`, { signal }),
  });
}

export function useOverdue() {
  return useQuery({ queryKey: [...DEVICES_KEY, 'overdue'], queryFn: ({ signal }) => api<{ items: Device[] }>('/api/devices/overdue', { signal }), refetchInterval: 60_000 });
}

export function useMaintenanceDue() {
  return useQuery({ queryKey: [...DEVICES_KEY, 'maintenance-due'], queryFn: ({ signal }) => api<{ items: Device[] }>('/api/devices/maintenance-due', { signal }) });
}

export function useAllocation(allocationClass: AllocationClass, teamMinimum: number) {
  return useQuery({
    queryKey: [...DEVICES_KEY, 'allocation', allocationClass, teamMinimum],
    queryFn: ({ signal }) => api<AllocationReport>(`/api/devices/allocation${queryString({ class: allocationClass, teamMinimum })}`, { signal }),
  });
}

export function useDevice(id: string) {
  return useQuery({ queryKey: [...DEVICES_KEY, 'one', id], queryFn: ({ signal }) => api<Device>(`/api/devices/${encodeURIComponent(id)}`, { signal }) });
}

export function useDeviceHistory(id: string) {
  return useQuery({ queryKey: [...DEVICES_KEY, 'history', id], queryFn: ({ signal }) => api<DeviceHistory>(`/api/devices/${encodeURIComponent(id)}/history`, { signal }) });
}

/** Officers (active, in the custodian's subtree) a device can be issued to. */
export function useOfficers() {
  return useQuery({
    queryKey: ['users', 'officers'],
    queryFn: ({ signal }) => api<{ items: DirectoryUser[] }>('/api/users?role=officer', { signal }),
    staleTime: 60_000,
  });
}

/** After a change: every list, the device and its history are asked again. */
/**
 * After a desk step: the device the server answered with is shown at once (so the page never shows
 * the step done beside the state before it), then every device view is refetched.
 */
export function useRefreshDevices(): (changed?: Device) => Promise<void> {
  const client = useQueryClient();
  return async (changed) => {
    if (changed) client.setQueryData([...DEVICES_KEY, 'one', changed.id], changed);
    await client.invalidateQueries({ queryKey: DEVICES_KEY });
  };
}
