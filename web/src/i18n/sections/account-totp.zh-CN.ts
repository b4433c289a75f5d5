import type { accountTotpEn, accountTotpErrorsEn, stepUpEn } from './account-totp.en';

/** 动态密码：个人中心的绑定（accountTotp）与办理环节的二次验证（stepUp）。简体中文。 */
export const accountTotpZhCN: typeof accountTotpEn = {
  title: '动态密码',
  intro: '手机上的身份验证器（任一 TOTP 应用）每 30 秒显示一个新的 6 位验证码。绑定后，登录及本单位规定的办理环节都需输入当前验证码。',
  enrolled: '已绑定：登录时需输入验证码',
  notEnrolled: '未绑定',
  start: '绑定身份验证器',
  step1: '在手机上打开身份验证器，添加账户。',
  step2: '用它扫描下方二维码，或手动输入密钥。',
  qrAlt: '供身份验证器扫描的二维码',
  secretLabel: '密钥（手动输入用）',
  secretHint: '任何人得到此密钥都能生成您的验证码：切勿抄写或发送给他人。',
  openApp: '在本设备的身份验证器中打开',
  step3: '输入应用当前显示的 6 位验证码以确认。',
  code: '验证码',
  confirm: '确认绑定',
  cancel: '取消',
  confirmed: '身份验证器已绑定，今后登录需输入验证码。',
  removeTitle: '解除绑定',
  removeIntro: '输入应用当前显示的验证码即可解除绑定（手机丢失请联系系统管理员重置）。',
  remove: '解除绑定',
  removed: '已解除身份验证器绑定。',
};

export const stepUpZhCN: typeof stepUpEn = {
  title: '需要动态密码',
  intro: '此环节（{{stage}}）需要输入身份验证器当前显示的验证码。',
  code: '动态密码',
  hint: '应用当前显示的 6 位数字，每个验证码只能使用一次。',
  invalid: '验证码错误、已过期或已被使用，请等待下一个验证码。',
  submit: '确认并继续',
  cancel: '取消',
  enrolFirst: '此环节（{{stage}}）需要动态密码，而您的账户尚未绑定身份验证器。',
  enrolLink: '前往个人中心绑定',
  stages: {
    issue_return: '设备领用与归还',
    import: '采集导入',
    approve: '调阅审批',
    export: '导出',
    delete: '删除',
  },
};

export const accountTotpErrorsZhCN: typeof accountTotpErrorsEn = {
  step_up_required: '此环节需要动态密码。',
  step_up_invalid: '动态密码错误、已过期或已被使用。',
  step_up_enrolment_required: '此环节需要动态密码，请先在个人中心绑定身份验证器。',
  totp_already_enrolled: '已绑定身份验证器，请先解除绑定。',
  totp_not_enrolled: '尚未绑定身份验证器。',
  totp_not_pending: '请重新开始绑定。',
};
