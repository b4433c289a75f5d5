/** The demo site's banner and the empty site's hint (web/src/shell/demo-banner.tsx): English. Hooked into i18n/en.ts as `demo`. */
export const demoEn = {
  banner: 'Demo site · all data is fictitious',
  bannerDetail: 'Every person, recorder, recording and case here is invented. A real site starts from a new data folder.',
  accounts: 'Demo accounts (e.g. zhang.officer, feng.approver, he.supervisor, sun.custodian, wu.collector, admin) all use the password {{password}}.',
  emptyTitle: 'Nothing here yet',
  emptyHint: 'Just looking? Stop this server and load the demo site into a folder of its own:',
};
