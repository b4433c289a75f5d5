/** The home page (web/src/home/): English. Hooked into i18n/en.ts as `home`. */
export const homeEn = {
  greeting: 'Hello, {{name}}',
  today: 'Today is {{date}}.',
  now: 'What needs me now',
  nothing: 'Nothing waits for you here: the menu above has your pages.',
  open: 'Open',
  atLeast: '{{n}}+',
  countFailed: 'Could not be counted',
  cards: {
    approvals: { title: 'Requests waiting for my approval', none: 'Nothing to decide', some: 'Waiting for your decision' },
    myPending: { title: 'My requests not yet decided', none: 'None waiting', some: 'Waiting for an approver' },
    overdueDevices: { title: 'Overdue devices', none: 'Every device is back in time', some: 'Past their due time' },
    maintenanceDue: { title: 'Devices due for maintenance', none: 'Nothing due', some: 'Faulty or due for inspection' },
    lateImports: { title: 'Late imports', none: 'All on time', some: 'Imported after the deadline, last {{days}} days' },
    workRecords: { title: 'Work records to approve', none: 'Nothing to approve', some: 'Interrupted or unrecorded work waiting' },
    retentionExpired: { title: 'Recordings past their retention', none: 'Nothing has expired', some: 'Expired, not yet proposed for deletion' },
    deletionProposed: { title: 'Deletion batches to approve', none: 'Nothing proposed', some: 'Proposed, waiting for approval' },
    deletionRecovery: { title: 'Deletions in their recovery window', none: 'None pending', some: 'Approved; still restorable' },
  },
};
