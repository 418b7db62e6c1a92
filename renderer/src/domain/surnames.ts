/**
 * The reading of a child's family name without the pinyin dictionary (issue 19: cold start). The
 * kiosk home orders its family-name buttons by each family name's pinyin (曾 zēng, 单 shàn), and
 * that is all the first screen needs of pinyin: this table of common surnames answers it
 * from a few kilobytes, where pinyin-pro's dictionary (domain/pinyin.ts) is ~290 KB of code to
 * fetch and evaluate. Each reading is pinyin-pro's own for the character at the head of a name
 * (its surname dictionary, or the character's only reading): `surnames.test.ts` checks every entry
 * against `namePinyin`, so the two can never order the home differently. A name this table cannot
 * answer (an uncommon surname, a compound surname read otherwise, a name not in Chinese) gets
 * null, and the caller waits for the dictionary.
 */

/** Readings (toneless, ü as v, as `namePinyin` spells them), each followed by its surnames. */
const TABLE =
  'ai艾 an安 ao敖 ba巴 bai白柏 ban班 bao鲍包暴 bei贝 ben贲 bi毕 bian卞边 bie别 bing邴 bo薄 bu卜步 cai蔡 cang苍 cao曹 cen岑 ' +
  'chai柴 chang常昌 chao晁巢 che车 chen陈谌 cheng程成 chi池 chong充 chu褚储 cong从 cui崔 dai戴代 dang党 deng邓 di狄 ' +
  'diao刁 ding丁 dong董东 dou窦 du杜堵都 duan段 e鄂 fan范樊 fang方房 fei费 feng冯凤酆封丰 fu付傅伏富符扶 gan干甘 gao高郜 ge葛戈盖 ' +
  'geng耿 gong龚弓宫贡巩公 gou勾 gu顾谷古 guan管关官 guang广 gui桂 guo郭国 han韩 hang杭 hao郝 he何贺和 heng衡 hong洪弘红 hou侯后 ' +
  'hu胡扈 hua华花滑 huai怀 huan宦桓 huang黄 hui惠 huo霍 ji计纪季吉嵇汲蓟籍姬冀暨 jia贾家郏 jian简 jiang蒋姜江 jiao焦 jin金靳晋 ' +
  'jing经井景荆 ju居鞠 kan阚 kang康 ke柯 kong孔空 kou寇 kuai蒯 kuang匡旷 kui夔 lai赖 lan蓝兰 lang郎 lao劳 lei雷 leng冷 ' +
  'li李黎厉郦利 lian廉连练 liang梁 liao廖 lin林蔺 ling凌 liu刘柳 long龙隆 lou娄 lu卢陆鲁路禄逯 luan栾 lun伦 luo罗骆雒 lv吕 ma马麻 ' +
  'man满 mao毛茅 mei梅 meng孟蒙 mi米糜宓 miao苗缪 min闵 ming明 mo莫 mu穆牧慕 na那 nai能 ni倪 nie聂乜 ning宁 niu牛钮 nong农 ' +
  'ou欧区 pan潘盘 pang庞逄 pei裴 peng彭蓬 pi皮 piao朴 ping平 pu蒲濮浦 qi齐戚祁 qian钱 qiang强 qiao乔 qin秦覃 qing卿 qiu邱裘秋仇 ' +
  'qu屈曲璩瞿 quan全权 que却阙 ran冉 rao饶 ren任 rong荣戎容融 ru茹 ruan阮 rui芮 sang桑 sha沙 shan单山 shang尚商 shao邵韶召 ' +
  'she厍佘 shen沈莘申慎 sheng盛 shi石史施时师 shou寿 shu舒束殳 shuai帅 shuang双 shui水税 si司 song宋松 su苏宿粟 sun孙 suo索 ' +
  'tai邰 tan谭谈 tang唐汤 tao陶 teng滕 tian田 tong童通 tou钭 tu屠涂 wan万 wang王汪 wei魏韦卫危隗蔚 wen文闻温 weng翁 wo沃 ' +
  'wu吴武邬伍巫乌毋 xi奚席郗习 xia夏 xian咸冼 xiang向项相 xiao肖萧 xie谢解 xin辛 xing邢幸 xiong熊 xiu修 xu徐许胥须 xuan宣 xue薛 ' +
  'xun荀寻 yan闫严颜燕晏阎鄢 yang杨羊仰养 yao姚尧 ye叶 yi易羿伊益 yin尹殷印阴银 ying应 yong雍 you尤游 yu余于喻俞禹虞郁於鱼庾 yuan袁元 yue乐越岳 ' +
  'yun云 zai宰 zan昝 zang臧 zeng曾 zha查 zhai翟 zhan湛詹 zhang张章 zhao赵 zhen甄 zheng郑 zhi支植 zhong钟仲终 zhou周 ' +
  'zhu朱祝诸竺 zhuang庄 zhuo卓 zi訾 zong宗 zou邹 zu祖 zuo左 ';

/** Compound surnames whose first character reads otherwise than alone (万俟 mò qí, not wàn). */
const COMPOUND_EXCEPTIONS = ['万俟'];

let readings: Map<string, string> | null = null;
function table(): Map<string, string> {
  if (readings) return readings;
  readings = new Map();
  for (const group of TABLE.trim().split(' ')) {
    const reading = /^[a-z]+/.exec(group)?.[0] ?? '';
    for (const ch of group.slice(reading.length)) readings.set(ch, reading);
  }
  return readings;
}

/**
 * The pinyin of a full (family-first) name's family name as `namePinyin(name).family` gives it,
 * or null when this table cannot tell (then only the dictionary can).
 */
export function familyReading(fullName: string): string | null {
  const name = fullName.trim();
  if (COMPOUND_EXCEPTIONS.some((c) => name.startsWith(c))) return null;
  const first = name.charAt(0);
  return table().get(first) ?? null;
}

/** Every surname the table knows, for its test. */
export function knownSurnames(): string[] {
  return [...table().keys()];
}
