/** Dynamic passwords (动态密码): enrolment on the account page (`accountTotp`) and the step-up prompt (`stepUp`). English. */
export const accountTotpEn = {
  title: 'Dynamic password',
  intro: 'An authenticator app on your phone (any TOTP app) shows a new 6-digit code every 30 seconds. Once enrolled, signing in and the custody steps your site names ask for the current code.',
  enrolled: 'Enrolled: sign-in asks for the code',
  notEnrolled: 'Not enrolled',
  start: 'Enrol an authenticator',
  step1: 'Open the authenticator app on your phone and add an account.',
  step2: 'Scan this QR code with it, or type the secret by hand.',
  qrAlt: 'QR code to scan with the authenticator app',
  secretLabel: 'Secret (for typing by hand)',
  secretHint: 'Anyone with this secret can make your codes: never write it down or send it.',
  openApp: 'Open in an authenticator app on this device',
  step3: 'Type the 6-digit code the app shows now to confirm.',
  code: 'Code from the app',
  confirm: 'Confirm',
  cancel: 'Cancel',
  confirmed: 'Authenticator enrolled. From now on signing in asks for its code.',
  removeTitle: 'Remove the authenticator',
  removeIntro: 'Type a current code from the app to remove it (a lost phone: ask your administrator to reset it).',
  remove: 'Remove',
  removed: 'Authenticator removed.',
};

export const stepUpEn = {
  title: 'Dynamic password needed',
  intro: 'This step ({{stage}}) needs the current code from your authenticator app.',
  code: 'Dynamic password',
  hint: 'The 6-digit code the app shows now. Each code works once.',
  invalid: 'That code is wrong, expired or already used. Wait for the next one.',
  submit: 'Confirm and continue',
  cancel: 'Cancel',
  enrolFirst: 'This step ({{stage}}) needs a dynamic password, and your account has no authenticator yet.',
  enrolLink: 'Enrol one on My account',
  stages: {
    issue_return: 'issuing and taking back devices',
    import: 'importing recordings',
    approve: 'approving access',
    export: 'exporting',
    delete: 'deleting',
  },
};

export const accountTotpErrorsEn = {
  step_up_required: 'This step needs a dynamic password.',
  step_up_invalid: 'The dynamic password is wrong, expired or already used.',
  step_up_enrolment_required: 'This step needs a dynamic password: enrol an authenticator first (My account).',
  totp_already_enrolled: 'An authenticator is already enrolled: remove it first.',
  totp_not_enrolled: 'No authenticator is enrolled.',
  totp_not_pending: 'Start the enrolment again.',
};
