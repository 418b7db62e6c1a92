/**
 * The built-in instruments (INSTRUMENTS.md). All are free to use with credit;
 * their published Simplified Chinese wording is used where one exists. Items
 * are identified by fixed ids, never by position, so scoring survives reordering.
 */
import { defineInstrument, type Instrument } from './model';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const PHQ_SCALE = {
  min: 0,
  max: 3,
  labels: [t('完全不会', 'Not at all'), t('好几天', 'Several days'), t('一半以上的天数', 'More than half the days'), t('几乎每天', 'Nearly every day')],
};

export const WHO5 = defineInstrument({
  id: 'who5',
  version: '1998',
  name: t('WHO-5 幸福感指数', 'WHO-5 Well-Being Index'),
  respondent: 'child',
  minAge: 9,
  maxAge: 15,
  prompt: t('下面的句子说的是过去两个星期你的感受。请选出最接近你感受的一项。', 'These statements are about how you have been feeling over the last two weeks. Choose the answer closest to how you felt.'),
  scale: {
    min: 0,
    max: 5,
    labels: [t('从来没有', 'At no time'), t('有时候', 'Some of the time'), t('少于一半时间', 'Less than half of the time'), t('超过一半时间', 'More than half of the time'), t('大部分时间', 'Most of the time'), t('所有时间', 'All of the time')],
  },
  items: [
    { id: 'cheerful', text: t('我感到快乐，心情舒畅', 'I have felt cheerful and in good spirits') },
    { id: 'calm', text: t('我感到平静和放松', 'I have felt calm and relaxed') },
    { id: 'active', text: t('我感到充满活力，精力充沛', 'I have felt active and vigorous') },
    { id: 'rested', text: t('我醒来时感到神清气爽，休息得很好', 'I woke up feeling fresh and rested') },
    { id: 'interest', text: t('我每天的生活中充满了有趣的事情', 'My daily life has been filled with things that interest me') },
  ],
  percentFactor: 4,
  cutoffs: [
    { target: 'total', direction: 'at-most', value: 10, level: 'attention', minAge: 9, maxAge: 12 },
    { target: 'total', direction: 'at-most', value: 9, level: 'attention', minAge: 13, maxAge: 15 },
  ],
  maxMissing: 0,
  licence: t(
    'WHO-5 版权属于世界卫生组织（WHO）及北西兰心理健康中心精神病学研究室；注明出处即可免费使用。',
    'WHO-5 © World Health Organization, Psychiatric Research Unit, Mental Health Centre North Zealand; free to use with credit.',
  ),
});

export const PHQ9 = defineInstrument({
  id: 'phq9',
  version: '1999',
  name: t('PHQ-9 心情问卷', 'PHQ-9'),
  respondent: 'child',
  minAge: 12,
  maxAge: 15,
  prompt: t('在过去两个星期里，下面这些情况多久困扰你一次？', 'Over the last two weeks, how often have you been bothered by any of the following problems?'),
  scale: PHQ_SCALE,
  items: [
    { id: 'interest', text: t('做事时提不起劲或没有兴趣', 'Little interest or pleasure in doing things') },
    { id: 'down', text: t('感到心情低落、沮丧或绝望', 'Feeling down, depressed, or hopeless') },
    { id: 'sleep', text: t('入睡困难、睡不安稳或睡眠过多', 'Trouble falling or staying asleep, or sleeping too much') },
    { id: 'tired', text: t('感觉疲倦或没有活力', 'Feeling tired or having little energy') },
    { id: 'appetite', text: t('食欲不振或吃太多', 'Poor appetite or overeating') },
    { id: 'failure', text: t('觉得自己很糟，或觉得自己很失败，或让自己或家人失望', 'Feeling bad about yourself — or that you are a failure or have let yourself or your family down') },
    { id: 'concentration', text: t('对事物专注有困难，例如看书或看电视时', 'Trouble concentrating on things, such as reading or watching television') },
    { id: 'psychomotor', text: t('动作或说话速度缓慢到别人已经察觉，或正好相反，烦躁或坐立不安、动来动去的情况比平常更严重', 'Moving or speaking so slowly that other people could have noticed, or the opposite — being so fidgety or restless that you have been moving around a lot more than usual') },
    { id: 'self-harm', text: t('有不如死掉或用某种方式伤害自己的念头', 'Thoughts that you would be better off dead, or of hurting yourself in some way') },
  ],
  bands: [
    { min: 0, max: 4, name: t('0–4', '0–4') },
    { min: 5, max: 9, name: t('5–9', '5–9') },
    { min: 10, max: 14, name: t('10–14', '10–14') },
    { min: 15, max: 19, name: t('15–19', '15–19') },
    { min: 20, max: 27, name: t('20–27', '20–27') },
  ],
  cutoffs: [
    { target: 'total', direction: 'at-least', value: 11, level: 'attention' },
    { target: 'total', direction: 'at-least', value: 20, level: 'prompt' },
  ],
  safetyItems: [{ item: 'self-harm', minValue: 1 }],
  maxMissing: 0,
  minIntervalDays: 90,
  licence: t(
    'PHQ-9 由 Spitzer、Williams、Kroenke 等医生在辉瑞公司（Pfizer）教育基金资助下编制；复制、翻译、展示或分发均无需许可。',
    'PHQ-9 developed by Drs. Spitzer, Williams, Kroenke and colleagues with an educational grant from Pfizer Inc.; no permission required to reproduce, translate, display or distribute.',
  ),
});

export const GAD7 = defineInstrument({
  id: 'gad7',
  version: '2006',
  name: t('GAD-7 紧张担心问卷', 'GAD-7'),
  respondent: 'child',
  minAge: 12,
  maxAge: 15,
  prompt: t('在过去两个星期里，下面这些情况多久困扰你一次？', 'Over the last two weeks, how often have you been bothered by the following problems?'),
  scale: PHQ_SCALE,
  items: [
    { id: 'nervous', text: t('感觉紧张、焦虑或急切', 'Feeling nervous, anxious, or on edge') },
    { id: 'control', text: t('不能够停止或控制担忧', 'Not being able to stop or control worrying') },
    { id: 'worry', text: t('对各种各样的事情担忧过多', 'Worrying too much about different things') },
    { id: 'relax', text: t('很难放松下来', 'Trouble relaxing') },
    { id: 'restless', text: t('由于不安而无法静坐', "Being so restless that it's hard to sit still") },
    { id: 'irritable', text: t('变得容易烦恼或急躁', 'Becoming easily annoyed or irritable') },
    { id: 'afraid', text: t('感到似乎将有可怕的事情发生而害怕', 'Feeling afraid as if something awful might happen') },
  ],
  bands: [
    { min: 0, max: 4, name: t('0–4', '0–4') },
    { min: 5, max: 9, name: t('5–9', '5–9') },
    { min: 10, max: 14, name: t('10–14', '10–14') },
    { min: 15, max: 21, name: t('15–21', '15–21') },
  ],
  cutoffs: [
    { target: 'total', direction: 'at-least', value: 10, level: 'attention' },
    { target: 'total', direction: 'at-least', value: 15, level: 'prompt' },
  ],
  maxMissing: 0,
  minIntervalDays: 90,
  licence: t(
    'GAD-7 由 Spitzer、Williams、Kroenke 等医生在辉瑞公司（Pfizer）教育基金资助下编制；复制、翻译、展示或分发均无需许可。',
    'GAD-7 developed by Drs. Spitzer, Williams, Kroenke and colleagues with an educational grant from Pfizer Inc.; no permission required to reproduce, translate, display or distribute.',
  ),
});

export const PSC17 = defineInstrument({
  id: 'psc17-teacher',
  version: '1999',
  name: t('PSC-17 儿童表现观察（老师填写）', 'Pediatric Symptom Checklist-17 (teacher)'),
  respondent: 'staff',
  minAge: 6,
  maxAge: 15,
  prompt: t('根据最近你对这个孩子的观察，选择最符合的一项。', 'From what you have seen of this child recently, choose the answer that fits best.'),
  scale: { min: 0, max: 2, labels: [t('从不', 'Never'), t('有时', 'Sometimes'), t('经常', 'Often')] },
  items: [
    { id: 'fidgety', text: t('坐立不安，不能安静坐着', 'Fidgety, unable to sit still') },
    { id: 'sad', text: t('感到伤心、不开心', 'Feels sad, unhappy') },
    { id: 'daydreams', text: t('常常发呆、走神', 'Daydreams too much') },
    { id: 'share', text: t('不愿意和别人分享', 'Refuses to share') },
    { id: 'feelings', text: t('不理解别人的感受', "Does not understand other people's feelings") },
    { id: 'hopeless', text: t('感到没有希望', 'Feels hopeless') },
    { id: 'concentrating', text: t('难以集中注意力', 'Has trouble concentrating') },
    { id: 'fights', text: t('和其他孩子打架', 'Fights with other children') },
    { id: 'down-on-self', text: t('看不起自己', 'Is down on self') },
    { id: 'blames', text: t('把自己的问题怪到别人身上', 'Blames others for his or her troubles') },
    { id: 'less-fun', text: t('玩得没有以前开心', 'Seems to be having less fun') },
    { id: 'rules', text: t('不听从规则', 'Does not listen to rules') },
    { id: 'motor', text: t('好像停不下来，像装了马达一样', 'Acts as if driven by a motor') },
    { id: 'teases', text: t('取笑别人', 'Teases others') },
    { id: 'worries', text: t('经常担心', 'Worries a lot') },
    { id: 'takes', text: t('拿不属于自己的东西', 'Takes things that do not belong to him or her') },
    { id: 'distracted', text: t('容易分心', 'Distracted easily') },
  ],
  subscales: [
    { id: 'internalising', name: t('内化（情绪）', 'Internalising'), items: ['sad', 'hopeless', 'down-on-self', 'less-fun', 'worries'] },
    { id: 'attention', name: t('注意力', 'Attention'), items: ['fidgety', 'daydreams', 'concentrating', 'motor', 'distracted'] },
    { id: 'externalising', name: t('外化（行为）', 'Externalising'), items: ['share', 'feelings', 'fights', 'blames', 'rules', 'teases', 'takes'] },
  ],
  cutoffs: [
    { target: 'internalising', direction: 'at-least', value: 5, level: 'attention' },
    { target: 'attention', direction: 'at-least', value: 7, level: 'attention' },
    { target: 'externalising', direction: 'at-least', value: 7, level: 'attention' },
    { target: 'total', direction: 'at-least', value: 17, level: 'attention' },
  ],
  maxMissing: 3,
  licence: t(
    'PSC-17 版权属于美国麻省总医院（Jellinek、Murphy 等）；可自由复制使用。总分界值 17 采用中文教师版（原版为 15）。',
    'PSC-17 © Massachusetts General Hospital (Jellinek, Murphy et al.); may be freely reproduced. Cut-off for total 17 follows the Chinese teacher version (original 15).',
  ),
});

export const BUILTIN_INSTRUMENTS: readonly Instrument[] = [WHO5, PHQ9, GAD7, PSC17];

/**
 * Suggested instruments for a child's age (INSTRUMENTS.md routing): 6–8 PSC-17;
 * 9–11 WHO-5 (read aloud) + PSC-17; 12–15 WHO-5 + PHQ-9 + GAD-7 + PSC-17.
 * The five-face mood check-in runs at every kiosk visit and is not listed here.
 */
export function suggestedFor(age: number, available: readonly Instrument[]): Instrument[] {
  return available.filter((i) => age >= i.minAge && age <= i.maxAge);
}
