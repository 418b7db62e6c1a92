/** Simplified Chinese: the default language. Keys mirror en.ts (checked by i18n.test.ts). */
export default {
  app: { name: '童心', tagline: '儿童之家' },
  common: {
    save: '保存', cancel: '取消', back: '返回', next: '下一步', done: '完成', close: '关闭', confirm: '确认',
    loading: '正在加载…', required: '必填', optional: '选填', yes: '是', no: '否', today: '今天',
    saved: '已保存', error: '出错了', retry: '重试', language: '语言',
  },
  locale: { 'zh-CN': '简体中文', en: 'English' },
  setup: {
    title: '欢迎使用童心', subtitle: '第一次使用：请建立本儿童之家的信息，或先用示例数据试一试。',
    center: '儿童之家信息', centerName: '名称', centerNamePh: '例如：青山村留守儿童之家',
    county: '县（区）', township: '乡镇', village: '村（社区）', centerCode: '站点编码（县里分配，可不填）',
    centerCodeHelp: '小写字母、数字和短横线，以字母开头。不填则自动生成。', language: '默认语言',
    admin: '管理员', adminName: '管理员姓名', pin: '管理员 PIN（4–6 位数字）', pinAgain: '再输一次 PIN',
    create: '建立儿童之家', demoTitle: '先试一试', demoText: '载入一个虚构的示例儿童之家：约 120 名儿童、一个学期的签到、服务和心情记录。所有员工的 PIN 都是 {pin}。',
    loadDemo: '载入示例数据', loadingDemo: '正在写入示例数据… {done} / {total}', privacy: '所有数据只保存在这台电脑上，联网后才同步到县里的服务器；县里只看到不含姓名的统计。',
    errors: {
      nameRequired: '请填写儿童之家名称', countyRequired: '请填写县（区）', adminRequired: '请填写管理员姓名',
      pinFormat: 'PIN 必须是 4 到 6 位数字', pinGuessable: '这个 PIN 太容易猜到（如 1111、1234），请换一个',
      pinMismatch: '两次输入的 PIN 不一致', codeFormat: '站点编码格式不对：小写字母开头，只用小写字母、数字和短横线（2–40 位）',
      storageFull: '这台电脑的存储空间已满，没有保存任何内容。请清理磁盘后再试。', failed: '没能完成：{reason}',
    },
  },
  kiosk: {
    hello: '你好！', date: '{date}', checkIn: '我来了', checkInSub: '签到', checkOut: '我要走了', checkOutSub: '签退',
    talk: '我想找老师聊聊', staff: '老师入口', presentToday: '今天已到 {n} 人',
  },
  unlock: {
    title: '老师入口', chooseStaff: '请选择你的名字', enterPin: '{name}，请输入 PIN', wrongPin: 'PIN 不对，还可以再试 {n} 次',
    wrongPinLocked: 'PIN 不对。请等 {time} 后再试', locked: '输错次数太多，请等 {time} 后再试', checking: '正在核对…',
    noStaff: '还没有员工账号', backToKiosk: '回到签到页',
  },
  staff: {
    home: '老师工作台', hello: '{name}，你好', role: { volunteer: '志愿者', teacher: '老师', counsellor: '社工 / 心理辅导', admin: '管理员' },
    lock: '锁定', autoLock: '{min} 分钟无操作将自动锁定', today: '今天 {date}',
    tiles: {
      register: '今日点名', registerSub: '签到、请假、接送', children: '儿童档案', childrenSub: '名单、监护人、同意书',
      services: '服务记录', servicesSub: '活动、辅导、亲情通话', followups: '跟进', followupsSub: '需要关心的孩子',
      screenings: '心情筛查', screeningsSub: '问卷与结果', settings: '设置', settingsSub: '员工、同步、备份',
    },
    stats: { children: '在册儿童', present: '今日到站', leftBehind: '留守儿童', services: '本月服务场次' },
    comingSoon: '这一部分还在建设中。',
  },
  errors: { notFound: '找不到这个页面', invalidDocs: '有 {n} 条记录格式不对，已跳过（管理员可在设置中查看）' },
  group: {
    'left-behind-father-away': '留守（父亲外出）', 'left-behind-mother-away': '留守（母亲外出）', 'left-behind-both-away': '留守（父母都外出）',
    migrant: '流动儿童', local: '本地儿童', other: '其他',
  },
};
