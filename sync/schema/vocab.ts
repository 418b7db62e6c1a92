/**
 * Controlled vocabularies shared by every document type. The codes are part of
 * the sync contract: county views group by them, so they never change meaning.
 * Labels live in the renderer's i18n files, keyed by these codes.
 */

/** A child's situation, snapshotted on every event so county figures use the status at the time. */
export const CHILD_GROUPS = [
  'left-behind-father-away',
  'left-behind-mother-away',
  'left-behind-both-away',
  'migrant',
  'local',
  'other',
] as const;
export type ChildGroup = (typeof CHILD_GROUPS)[number];

export const CAREGIVERS = ['grandparent', 'parent', 'relative', 'surrogate-parent', 'other'] as const;
export type Caregiver = (typeof CAREGIVERS)[number];

export const GENDERS = ['female', 'male', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];

/** Age bands follow the screening routing in INSTRUMENTS.md. */
export const AGE_BANDS = ['under-6', '6-8', '9-11', '12-15', 'over-15'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const STAFF_ROLES = ['volunteer', 'teacher', 'counsellor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Service taxonomy from the research (seed/research-abstract.txt). */
export const SERVICE_TYPES = [
  'educational-support',
  'community-service',
  'counselling-individual',
  'counselling-group',
  'family-tutoring',
  'community-space',
  'after-school-care',
  'surrogate-parent-visit',
  'donation-care',
  'social-work-casework',
  'social-work-groupwork',
  'parent-child-contact',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const PROVIDER_KINDS = [
  'government',
  'school',
  'social-organisation',
  'volunteer-group',
  'village-committee',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** What a guardian can consent to; each is recorded and withdrawn separately (PIPL Art. 29, 31). */
/** transfer: the child's record may be handed to another center the child moves to (migrant children). */
/** family-messages (issue 15): the child may leave voice, drawing and text messages for parents away, and receive their replies at the kiosk. */
export const CONSENT_SCOPES = ['attendance', 'mood', 'screening', 'county-stats', 'transfer', 'family-messages'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

export const CONSENT_METHODS = ['paper', 'phone', 'message', 'in-person'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/**
 * Who someone is to the child. Codes are only ever added: grandfather, grandmother and
 * relative are no longer offered (issue 11: the list follows real guardians) but stay valid,
 * so documents written with them still read and sync.
 */
export const RELATIONS = [
  'father',
  'mother',
  'grandfather',
  'grandmother',
  'relative',
  'surrogate-parent',
  'teacher',
  'self',
  'other',
  'paternal-grandparent',
  'maternal-grandparent',
  'maternal-uncle',
  'paternal-aunt',
  'paternal-uncle',
  'maternal-aunt',
  'sibling',
] as const;
export type Relation = (typeof RELATIONS)[number];

/**
 * What a guardian or a consent-giver can be (祖父母, 外祖父母, 舅舅, 姑姑, 叔叔/伯伯, 阿姨/姨妈,
 * 哥哥/姐姐, 其他 with the words kept in relationOther). Never 老师 or 自己回家: they are
 * not guardians and cannot consent for a child.
 */
export const GUARDIAN_RELATIONS = [
  'father',
  'mother',
  'paternal-grandparent',
  'maternal-grandparent',
  'maternal-uncle',
  'paternal-aunt',
  'paternal-uncle',
  'maternal-aunt',
  'sibling',
  'other',
] as const satisfies readonly Relation[];
export type GuardianRelation = (typeof GUARDIAN_RELATIONS)[number];

/** Who took a child home: a guardian, a surrogate parent, a teacher, or the child alone (自己回家). */
export const PICKUP_RELATIONS = [
  'father',
  'mother',
  'paternal-grandparent',
  'maternal-grandparent',
  'maternal-uncle',
  'paternal-aunt',
  'paternal-uncle',
  'maternal-aunt',
  'sibling',
  'surrogate-parent',
  'teacher',
  'self',
  'other',
] as const satisfies readonly Relation[];

export const ATTENDANCE_STATUSES = ['present', 'absent', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const MOOD_MOMENTS = ['check-in', 'check-out'] as const;
export type MoodMoment = (typeof MOOD_MOMENTS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Pictures a child can use for the picture code and as an avatar (drawn by the project, keyed here). */
export const PICTURES = ['sun', 'moon', 'star', 'tree', 'flower', 'fish', 'bird', 'cat', 'dog', 'apple', 'boat', 'kite'] as const;
export type Picture = (typeof PICTURES)[number];

export const AVATAR_ANIMALS = ['panda', 'rabbit', 'tiger', 'monkey', 'cat', 'dog', 'bear', 'fox', 'duck', 'frog', 'owl', 'deer'] as const;
export type AvatarAnimal = (typeof AVATAR_ANIMALS)[number];
