/**
 * A realistic synthetic center, generated deterministically from a seed, for
 * the demo button, tests and benchmarks (which reuse it at larger sizes: a
 * whole county of centers, years of history).
 *
 * The mix follows what the research describes for rural centers: most children
 * left-behind (father away most often, both parents away common, mostly in
 * grandparents' care, some with surrogate parents), a minority migrant or local.
 * Names are made from common characters and belong to nobody.
 *
 * Times carry a fixed +08:00 offset so the output does not depend on the
 * machine's time zone.
 */
import type {
  ActivityDoc,
  AnyDoc,
  AttendanceDoc,
  CenterDoc,
  ChildDoc,
  ChildPrivateDoc,
  ConsentDoc,
  DayDoc,
  MoodDoc,
  PinHash,
  StaffDoc,
} from '@sync/schema/documents';
import { CHILD_SCHEMA_VERSION, DEFAULT_CENTER_SETTINGS, SCHEMA_VERSION } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { Caregiver, ChildGroup, ProviderKind, ServiceType, StaffRole } from '@sync/schema/vocab';
import { AVATAR_ANIMALS, CONSENT_SCOPES, PICTURES } from '@sync/schema/vocab';
import { snapshotOf } from './child';
import { consentOn } from './consent';
import { addDays, dateRange, parseLocalDate, weekday } from './dates';
import { seededRng, seededUlid, type Rng } from './random';
import { tallyOf } from './tally';
import { serviceMonthTalliesOf } from './county/serviceMonthTally';

export interface DemoOptions {
  readonly centerId: string;
  readonly seed: number;
  readonly children: number;
  /** First and last day of history, inclusive (yyyy-mm-dd). */
  readonly from: string;
  readonly to: string;
  readonly deviceId: string;
  /** The hash used for every demo staff PIN (hashing is slow, so the caller does it once). */
  readonly pinHash: PinHash;
  readonly name?: string;
  /** Leave out school holidays (July–August, February), as a real center's years would. */
  readonly skipHolidays?: boolean;
}

export interface DemoCenter {
  readonly center: CenterDoc;
  readonly staff: readonly StaffDoc[];
  readonly children: readonly ChildDoc[];
  readonly privates: readonly ChildPrivateDoc[];
  readonly consents: readonly ConsentDoc[];
  readonly days: readonly DayDoc[];
  readonly attendance: readonly AttendanceDoc[];
  readonly moods: readonly MoodDoc[];
  readonly activities: readonly ActivityDoc[];
}

/** The PIN every demo staff account uses; shown on the setup screen. */
export const DEMO_PIN = '2580';

/** The family names the demo and bench centers' children have. */
export const DEMO_SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢';
const GIVEN = '小明华丽芳军杰静婷磊强洋勇艳娜涛斌宇欣怡梓涵浩然子轩雨萱思琪佳博文晨阳鑫一诺俊凯嘉乐安可心悦语彤';
const SCHOOLS = ['村小学', '镇中心小学', '镇初级中学'];
const CITIES = ['深圳', '东莞', '广州', '杭州', '宁波', '苏州', '上海', '厦门', '温州', '北京'];
const COLORS = ['#e57373', '#f06292', '#ba68c8', '#7986cb', '#4fc3f7', '#4db6ac', '#81c784', '#dce775', '#ffb74d', '#a1887f'];

const STAFF: readonly { name: string; role: StaffRole }[] = [
  { name: '陈老师', role: 'admin' },
  { name: '刘老师', role: 'teacher' },
  { name: '周社工', role: 'counsellor' },
  { name: '小杨 (志愿者)', role: 'volunteer' },
  { name: '吴阿姨 (代理家长)', role: 'volunteer' },
];

function iso(date: string, hour: number, minute: number): string {
  return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`;
}

function msOf(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

function drawGroup(rng: Rng): { group: ChildGroup; caregiver: Caregiver } {
  const r = rng.next();
  if (r < 0.24) return { group: 'left-behind-father-away', caregiver: rng.chance(0.85) ? 'parent' : 'grandparent' };
  if (r < 0.32) return { group: 'left-behind-mother-away', caregiver: rng.chance(0.6) ? 'parent' : 'grandparent' };
  if (r < 0.6) {
    const c = rng.next();
    return { group: 'left-behind-both-away', caregiver: c < 0.72 ? 'grandparent' : c < 0.87 ? 'relative' : 'surrogate-parent' };
  }
  if (r < 0.75) return { group: 'migrant', caregiver: 'parent' };
  if (r < 0.96) return { group: 'local', caregiver: 'parent' };
  return { group: 'other', caregiver: rng.pick(['relative', 'other'] as const) };
}

function name(rng: Rng): { full: string; display: string } {
  const surname = rng.pick([...DEMO_SURNAMES]);
  const given = rng.chance(0.7) ? rng.pick([...GIVEN]) + rng.pick([...GIVEN]) : rng.pick([...GIVEN]);
  return { full: surname + given, display: given.length > 1 && rng.chance(0.3) ? given : surname + given };
}

export function generateDemoCenter(o: DemoOptions): DemoCenter {
  const rng = seededRng(o.seed);
  const created = iso(o.from, 8, 0);
  const meta = { centerId: o.centerId, schemaVersion: SCHEMA_VERSION, deviceId: o.deviceId } as const;
  const stamp = (at: string) => ({ ...meta, createdAt: at, updatedAt: at });

  const center: CenterDoc = {
    _id: ids.center(o.centerId),
    type: 'center',
    ...stamp(created),
    name: o.name ?? '青山村留守儿童之家',
    county: '云溪县',
    township: '石桥镇',
    village: '青山村',
    defaultLocale: 'zh-CN',
    settings: DEFAULT_CENTER_SETTINGS,
  };

  const staff: StaffDoc[] = STAFF.map((s) => {
    const id = seededUlid(rng, msOf(o.from));
    return { _id: ids.staff(id), type: 'staff', ...stamp(created), displayName: s.name, role: s.role, pin: o.pinHash, active: true };
  });
  const staffIds = staff.map((s) => s._id.slice('staff:'.length));
  const surrogateStaffId = staffIds[4] ?? null;

  const children: ChildDoc[] = [];
  const privates: ChildPrivateDoc[] = [];
  const consents: ConsentDoc[] = [];
  /** How reliably each child comes: most nearly always, a few drift away. */
  const reliability = new Map<string, number>();

  for (let i = 0; i < o.children; i++) {
    const childId = seededUlid(rng, msOf(o.from) + i);
    const age = rng.int(6, 15);
    const [ty, tm] = o.to.split('-').map(Number);
    const birthYear = (ty ?? 2026) - age;
    const birthMonthNum = rng.int(1, 12);
    const birthMonth = `${birthYear - (birthMonthNum > (tm ?? 1) ? 1 : 0)}-${String(birthMonthNum).padStart(2, '0')}`;
    const gender = rng.chance(0.5) ? 'female' : 'male';
    const first = drawGroup(rng);
    const history: ChildDoc['groupHistory'] = [
      { from: o.from, group: first.group, caregiver: first.caregiver, ...(first.group.startsWith('left-behind') ? { parentsWorkIn: rng.pick(CITIES) } : {}) },
    ];
    // About one child in twelve changes situation during the period (a parent leaves or returns).
    if (rng.chance(0.08)) {
      const span = Math.max(1, Math.round((parseLocalDate(o.to).getTime() - parseLocalDate(o.from).getTime()) / 86_400_000));
      const change = addDays(o.from, rng.int(Math.floor(span / 4), Math.floor((3 * span) / 4)));
      const next = drawGroup(rng);
      history.push({ from: change, group: next.group, caregiver: next.caregiver });
    }
    const grade = Math.max(1, Math.min(9, age - 6 + (rng.chance(0.2) ? 0 : 1)));
    const child: ChildDoc = {
      _id: ids.child(childId),
      type: 'child',
      ...stamp(created),
      schemaVersion: CHILD_SCHEMA_VERSION,
      birthMonth,
      gender,
      grade,
      school: grade >= 7 ? SCHOOLS[2]! : rng.chance(0.7) ? SCHOOLS[0]! : SCHOOLS[1]!,
      groupHistory: history,
      surrogateParentStaffId: history.some((h) => h.caregiver === 'surrogate-parent') ? surrogateStaffId : null,
      enrolledOn: o.from,
      leftOn: null,
      archived: false,
      avatar: { animal: rng.pick(AVATAR_ANIMALS), color: rng.pick(COLORS) },
    };
    children.push(child);
    reliability.set(childId, rng.chance(0.1) ? 0.45 + rng.next() * 0.25 : 0.82 + rng.next() * 0.16);

    const n = name(rng);
    const away = first.group.startsWith('left-behind');
    const legal = first.group === 'left-behind-mother-away' ? 'mother' : 'father';
    privates.push({
      _id: ids.childPrivate(childId),
      type: 'childPrivate',
      ...stamp(created),
      childId,
      fullName: n.full,
      displayName: n.display,
      guardians: [
        { name: n.full.slice(0, 1) + rng.pick([...GIVEN]) + rng.pick([...GIVEN]), relation: legal, phone: `13${rng.int(100000000, 999999999)}`, isLegalGuardian: true, worksAway: away },
        ...(first.caregiver === 'grandparent'
          ? [{ name: n.full.slice(0, 1) + rng.pick([...GIVEN]), relation: rng.chance(0.5) ? ('grandmother' as const) : ('grandfather' as const), phone: `15${rng.int(100000000, 999999999)}`, isLegalGuardian: false, worksAway: false }]
          : []),
      ],
      address: `${center.village}${rng.int(1, 9)}组`,
      photo: null,
      pictureCode: [rng.pick(PICTURES), rng.pick(PICTURES), rng.pick(PICTURES)],
    });

    // Most guardians consent to everything; some decline screenings; a few withdraw county statistics later.
    const scopes = rng.chance(0.9) ? [...CONSENT_SCOPES] : CONSENT_SCOPES.filter((s) => s !== 'screening');
    const at = iso(o.from, 9, rng.int(0, 59));
    consents.push({
      _id: ids.consent(childId, seededUlid(rng, msOf(o.from))),
      type: 'consent',
      ...stamp(at),
      childId,
      action: 'grant',
      scopes,
      givenBy: { relation: legal, isLegalGuardian: true },
      method: away ? rng.pick(['phone', 'message'] as const) : 'paper',
      effectiveOn: o.from,
      recordedByStaffId: staffIds[0]!,
      note: '',
    });
    if (rng.chance(0.03)) {
      const when = addDays(o.from, rng.int(10, 40));
      consents.push({
        _id: ids.consent(childId, seededUlid(rng, msOf(when))),
        type: 'consent',
        ...stamp(iso(when, 10, 0)),
        childId,
        action: 'withdraw',
        scopes: ['county-stats'],
        givenBy: { relation: legal, isLegalGuardian: true },
        method: 'phone',
        effectiveOn: when,
        recordedByStaffId: staffIds[0]!,
        note: '',
      });
    }
  }

  const consentsByChild = new Map<string, ConsentDoc[]>();
  for (const c of consents) consentsByChild.set(c.childId, [...(consentsByChild.get(c.childId) ?? []), c]);

  const days: DayDoc[] = [];
  const attendance: AttendanceDoc[] = [];
  const moods: MoodDoc[] = [];
  const activities: ActivityDoc[] = [];
  const holiday = (d: string) => o.skipHolidays === true && ['02', '07', '08'].includes(d.slice(5, 7));
  const openDays = dateRange(o.from, o.to).filter((d) => center.settings.openWeekdays.includes(weekday(d)) && !holiday(d));

  openDays.forEach((date, dayIndex) => {
    // About one open day in forty the session does not take place (weather, exams, a holiday).
    if (rng.chance(0.025)) {
      days.push({ _id: ids.day(date), type: 'day', ...stamp(iso(date, 15, 0)), date, held: false, reason: rng.pick(['暴雨', '考试周', '停电']) });
      return;
    }
    const present: ChildDoc[] = [];
    const snapshots = new Map<string, AttendanceDoc['snapshot']>();
    for (const child of children) {
      const childId = child._id.slice('child:'.length);
      const countyOk = consentOn(consentsByChild.get(childId) ?? [], date)['county-stats'];
      const snapshot = snapshotOf(child, date, countyOk);
      snapshots.set(childId, snapshot);
      const isPresent = rng.chance(reliability.get(childId) ?? 0.9);
      const inH = 16;
      const inM = rng.int(20, 59);
      const late = isPresent && inM > 50;
      const kiosk = isPresent && rng.chance(0.75);
      const checkOut = isPresent && rng.chance(0.9) ? iso(date, 18, rng.int(0, 40)) : null;
      attendance.push({
        _id: ids.attendance(date, childId),
        type: 'attendance',
        ...stamp(isPresent ? iso(date, inH, inM) : iso(date, 17, 30)),
        ...(checkOut ? { updatedAt: checkOut } : {}),
        childId,
        date,
        status: isPresent ? 'present' : rng.chance(0.4) ? 'excused' : 'absent',
        checkInAt: isPresent ? iso(date, inH, inM) : null,
        checkOutAt: checkOut,
        late,
        pickedUpBy: checkOut ? rng.pick(['grandmother', 'grandfather', 'mother', 'father', 'self'] as const) : null,
        source: kiosk ? 'kiosk' : 'register',
        notes: [],
        snapshot,
      });
      if (!isPresent) continue;
      present.push(child);
      if (kiosk && rng.chance(0.85)) {
        // Left-behind children report a little lower on average, with a few harder weeks.
        const low = snapshot.group.startsWith('left-behind') ? 0.25 : 0.12;
        const face = rng.chance(low) ? rng.int(1, 3) : rng.int(3, 5);
        const wantsTalk = face <= 2 && rng.chance(0.15);
        moods.push({
          _id: ids.mood(date, 'check-in', childId),
          type: 'mood',
          ...stamp(iso(date, inH, inM)),
          childId,
          date,
          moment: 'check-in',
          face,
          wantsTalk,
          at: iso(date, inH, inM),
          snapshot,
        });
      }
    }

    const addActivity = (serviceType: ServiceType, providerKind: ProviderKind, providerName: string, who: readonly ChildDoc[], startHour: number, durationMin: number, facilitator: number) => {
      if (who.length === 0) return;
      const id = seededUlid(rng, msOf(date) + activities.length);
      const at = iso(date, startHour + Math.floor(durationMin / 60), durationMin % 60);
      activities.push({
        _id: ids.activity(id),
        type: 'activity',
        ...stamp(at),
        date,
        startTime: `${String(startHour).padStart(2, '0')}:00`,
        durationMin,
        serviceType,
        providerKind,
        providerName,
        facilitatorStaffIds: [staffIds[facilitator] ?? staffIds[0]!],
        participants: who.map((c) => {
          const childId = c._id.slice('child:'.length);
          return { childId, snapshot: snapshots.get(childId)! };
        }),
        notes: '',
      });
    };
    const wd = weekday(date);
    const some = (p: number) => present.filter(() => rng.chance(p));
    if (wd >= 1 && wd <= 4) addActivity('educational-support', 'school', '村小学', some(0.8), 16, 60, 1);
    if (wd === 5) addActivity('community-space', 'village-committee', '村委会', some(0.6), 16, 90, 3);
    if (wd === 3) {
      const away = present.filter((c) => c.groupHistory.at(-1)!.group.startsWith('left-behind'));
      addActivity('parent-child-contact', 'social-organisation', '童伴计划', away.filter(() => rng.chance(0.35)), 17, 45, 3);
    }
    if (wd === 2) {
      const cared = present.filter((c) => c.surrogateParentStaffId !== null);
      for (const c of cared.slice(0, 3)) addActivity('surrogate-parent-visit', 'volunteer-group', '代理家长志愿队', [c], 17, 30, 4);
    }
    if (dayIndex % 20 === 7) addActivity('counselling-group', 'social-organisation', '县社工站', some(0.3), 16, 60, 2);
    if (dayIndex % 20 === 13) addActivity('family-tutoring', 'government', '镇妇联', some(0.25), 18, 60, 0);
    if (dayIndex % 30 === 21) addActivity('donation-care', 'social-organisation', '爱心企业', some(0.9), 15, 60, 0);
    if (dayIndex % 10 === 4 && present.length > 0) addActivity('social-work-casework', 'social-organisation', '县社工站', [rng.pick(present)], 17, 45, 2);
  });

  return { center, staff, children, privates, consents, days, attendance, moods, activities };
}

/** All documents of a demo center in a write order that keeps references valid. */
export function demoDocuments(demo: DemoCenter): AnyDoc[] {
  return [
    demo.center,
    ...demo.staff,
    ...demo.children,
    ...demo.privates,
    ...demo.consents,
    ...demo.days,
    ...demo.attendance,
    ...demo.moods,
    ...demo.activities,
    // No per-session county copy (`serviceTally`, retired): a kiosk of this version writes none.
    // The month's service tallies, as the kiosk recounts them (app/countyTallies.ts), stamped with the latest session's time.
    ...serviceMonthTalliesOf(demo.activities.map(tallyOf), demo.center.centerId, demo.center.deviceId, demo.activities.reduce((t, a) => (a.updatedAt > t ? a.updatedAt : t), demo.center.updatedAt)),
  ];
}
