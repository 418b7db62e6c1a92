/**
 * The device audit log in words (issue 11): each stored entry keeps its machine form
 * (action code + detail, stable across languages and versions); the screen shows a
 * sentence in the reader's language, naming staff and children by name — the log is
 * only shown to the administrator, on the center's own device. An action this version
 * does not know is shown as "another operation", never as its code.
 */
import type { AuditEntry } from '../../storage/ports';

export interface AuditNames {
  staff(id: string): string | null;
  child(id: string): string | null;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

const STAFF_ID = /staff:[0-9A-HJKMNP-TV-Z]{26}/;
const CHILD_ID = /(?:child:)?([0-9A-HJKMNP-TV-Z]{26})/;
const ROLES = new Set(['volunteer', 'teacher', 'counsellor', 'admin']);

export function auditText(entry: Pick<AuditEntry, 'action' | 'detail'>, t: Translate, names: AuditNames): string {
  const k = (key: string, values?: Record<string, unknown>) => t(`everyday.audit.${key}`, values);
  const someone = k('someone');
  const staffName = () => {
    const id = STAFF_ID.exec(entry.detail)?.[0];
    return (id && names.staff(id)) ?? someone;
  };
  const roleName = () => {
    const role = entry.detail.split(/\s+/).find((w) => ROLES.has(w));
    return role ? t(`staff.role.${role}`) : '';
  };
  const childName = (from = entry.detail) => {
    const m = /child:([0-9A-HJKMNP-TV-Z]{26})/.exec(from) ?? CHILD_ID.exec(from);
    return (m?.[1] && names.child(m[1])) ?? k('aChild');
  };
  switch (entry.action) {
    case 'unlock':
      return k('unlock', { role: roleName() || someone });
    case 'lock':
      return entry.detail === 'inactivity' ? k('lockIdle') : k('lock');
    case 'pin-refused':
      return k('pinRefused', { n: Number(/\d+/.exec(entry.detail)?.[0] ?? 1) });
    case 'staff-add':
      return k('staffAdd', { name: staffName(), role: roleName() });
    case 'staff-role':
      return k('staffRole', { name: staffName(), role: roleName() });
    case 'pin-reset':
      return k('pinReset', { name: staffName() });
    case 'staff-activate':
      return k('staffActivate', { name: staffName() });
    case 'staff-deactivate':
      return k('staffDeactivate', { name: staffName() });
    case 'center-settings':
      return k('centerSettings');
    case 'erase-child':
      return t('erasure.audit.erased', { n: Number(entry.detail.split(' ')[2] ?? 0) });
    case 'retention':
      return t('erasure.audit.retention', { n: Number(entry.detail.split(' ')[0] ?? 0), cutoff: entry.detail.split(' ')[1] ?? '' });
    case 'view-child':
      return k('viewChild', { child: childName() });
    case 'view-child-file':
      return k('viewChildFile', { child: childName() });
    case 'view-followup':
      return k('viewFollowup', { child: childName() });
    case 'view-screening-result':
      return k('viewScreening', { child: childName() });
    case 'service-edit':
      return k('serviceEdit');
    case 'service-delete':
      return k('serviceDelete');
    case 'bundle-export':
      return k('bundleExport', { n: Number(/\d+/.exec(entry.detail)?.[0] ?? 0) });
    case 'bundle-import':
      return k('bundleImport');
    case 'conflict-reviewed':
      return k('conflictReviewed');
    case 'conflict-restored':
      return k('conflictRestored');
    case 'kiosk-code-failed':
      return k('codeFailed', { child: childName() });
    case 'kiosk-checkin-blocked':
      return k('checkinBlocked', { child: childName() });
    case 'kiosk-pickup-needed':
      return k('pickupNeeded', { child: childName() });
    case 'register-checkout-all':
      return t('walk12.audit.checkOutAll', { date: entry.detail.split(' ')[0] ?? '', n: Number(entry.detail.split(' ')[1] ?? 0) });
    case 'transfer-out':
      return k('transferOut', { child: childName() });
    case 'transfer-in-accepted':
      return k('transferIn', { child: childName() });
    default:
      if (entry.action.startsWith('transfer-out-')) return k('transferOutDone', { child: childName() });
      if (entry.action.startsWith('transfer-in-')) return k('transferInDone', { child: childName() });
      return k('other');
  }
}
