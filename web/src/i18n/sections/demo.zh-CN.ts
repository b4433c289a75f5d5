import type { demoEn } from './demo.en';

/** 演示站点横幅与空站点提示（web/src/shell/demo-banner.tsx）：简体中文。 */
export const demoZhCN: typeof demoEn = {
  banner: '演示站点 · 数据均为虚构',
  bannerDetail: '本站点中的人员、设备、音像记录和案件均为虚构。正式站点须从新的数据目录开始。',
  accounts: '演示账号（如 zhang.officer、feng.approver、he.supervisor、sun.custodian、wu.collector、admin）的密码均为 {{password}}。',
  emptyTitle: '站点尚无音像记录',
  emptyHint: '只想先看看？停止本服务，把演示站点载入单独的数据目录：',
};
