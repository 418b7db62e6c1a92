/** English: the second language. Keys mirror zh-CN.ts. */
export default {
  app: { name: 'Tongxin', tagline: "Children's center" },
  common: {
    save: 'Save', cancel: 'Cancel', back: 'Back', next: 'Next', done: 'Done', close: 'Close', confirm: 'Confirm',
    loading: 'Loading…', required: 'Required', optional: 'Optional', yes: 'Yes', no: 'No', today: 'Today',
    saved: 'Saved', error: 'Something went wrong', retry: 'Try again', language: 'Language',
  },
  locale: { 'zh-CN': '简体中文', en: 'English' },
  setup: {
    title: 'Welcome to Tongxin', subtitle: "First run: set up this children's center, or try it with demo data first.",
    center: 'Center', centerName: 'Name', centerNamePh: "e.g. Qingshan Village Children's Home",
    county: 'County', township: 'Township', village: 'Village', centerCode: 'Center code (from the county, optional)',
    centerCodeHelp: 'Lowercase letters, digits and dashes, starting with a letter. Generated when left empty.', language: 'Default language',
    admin: 'Administrator', adminName: "Administrator's name", pin: 'Administrator PIN (4–6 digits)', pinAgain: 'PIN again',
    create: 'Create the center', demoTitle: 'Try it first', demoText: 'Load a fictional demo center: about 120 children and a term of attendance, services and mood check-ins. Every staff PIN is {pin}.',
    loadDemo: 'Load demo data', loadingDemo: 'Writing demo data… {done} / {total}', privacy: 'All data stays on this computer and syncs to the county server when online; the county sees statistics without names.',
    errors: {
      nameRequired: "Enter the center's name", countyRequired: 'Enter the county', adminRequired: "Enter the administrator's name",
      pinFormat: 'A PIN is 4 to 6 digits', pinGuessable: 'That PIN is too easy to guess (like 1111 or 1234); choose another',
      pinMismatch: 'The two PINs differ', codeFormat: 'Center code: start with a lowercase letter; lowercase letters, digits and dashes only (2–40)',
      storageFull: "This computer's storage is full; nothing was saved. Free some disk space and try again.", failed: 'Could not finish: {reason}',
    },
  },
  kiosk: {
    hello: 'Hello!', date: '{date}', checkIn: "I'm here", checkInSub: 'Check in', checkOut: "I'm leaving", checkOutSub: 'Check out',
    talk: "I'd like to talk to a teacher", staff: 'Staff', presentToday: '{n} here today',
  },
  unlock: {
    title: 'Staff sign-in', chooseStaff: 'Choose your name', enterPin: '{name}, enter your PIN', wrongPin: 'Wrong PIN: {n} tries left',
    wrongPinLocked: 'Wrong PIN. Wait {time} before trying again', locked: 'Too many wrong PINs. Wait {time} before trying again', checking: 'Checking…',
    noStaff: 'No staff accounts yet', backToKiosk: 'Back to the kiosk',
  },
  staff: {
    home: 'Staff home', hello: 'Hello, {name}', role: { volunteer: 'Volunteer', teacher: 'Teacher', counsellor: 'Counsellor', admin: 'Administrator' },
    lock: 'Lock', autoLock: 'Locks after {min} minutes without a touch', today: 'Today {date}',
    tiles: {
      register: "Today's register", registerSub: 'Attendance, absences, pick-up', children: 'Children', childrenSub: 'Roster, guardians, consent',
      services: 'Services', servicesSub: 'Activities, tutoring, parent calls', followups: 'Follow-ups', followupsSub: 'Children who need care',
      screenings: 'Screenings', screeningsSub: 'Questionnaires and results', settings: 'Settings', settingsSub: 'Staff, sync, backups',
    },
    stats: { children: 'Children enrolled', present: 'Here today', leftBehind: 'Left-behind', services: 'Services this month' },
    comingSoon: 'This part is still being built.',
  },
  errors: { notFound: 'Page not found', invalidDocs: '{n} records are malformed and were skipped (an administrator can review them in Settings)' },
  group: {
    'left-behind-father-away': 'Left-behind (father away)', 'left-behind-mother-away': 'Left-behind (mother away)', 'left-behind-both-away': 'Left-behind (both parents away)',
    migrant: 'Migrant', local: 'Local', other: 'Other',
  },
};
