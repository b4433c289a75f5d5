import type { homeEn } from './home.en';

/** 首页（web/src/home/）：简体中文。 */
export const homeZhCN: typeof homeEn = {
  greeting: '{{name}}，您好',
  today: '今天是 {{date}}。',
  now: '待办事项',
  nothing: '暂无待办事项，请从上方菜单进入各项功能。',
  open: '前往处理',
  atLeast: '{{n}}+',
  countFailed: '无法统计',
  cards: {
    approvals: { title: '待我审批的调阅申请', none: '暂无待审批', some: '等待您审批' },
    myPending: { title: '我的待审批申请', none: '没有待审批的申请', some: '等待审批人审批' },
    overdueDevices: { title: '逾期未还设备', none: '设备均按时归还', some: '已超过应还时间' },
    maintenanceDue: { title: '待维护设备', none: '暂无待维护', some: '故障或到期待检' },
    lateImports: { title: '逾期采集', none: '均按时采集', some: '近 {{days}} 天超过时限采集' },
    workRecords: { title: '待审批的工作记录', none: '暂无待审批', some: '中断或未记录的情况待审批' },
    retentionExpired: { title: '已过保存期限的音像记录', none: '暂无到期记录', some: '已到期，尚未提出删除' },
    deletionProposed: { title: '待审批的删除批次', none: '暂无删除提议', some: '已提议，等待审批' },
    deletionRecovery: { title: '恢复期内的删除批次', none: '暂无', some: '已批准删除，仍可恢复' },
  },
};
