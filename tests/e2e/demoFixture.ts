/** What the e2e tests know about the demo center: the same deterministic generator the app runs. */
import { generateDemoCenter } from '../../renderer/src/domain/demo';
import { addDays } from '../../renderer/src/domain/dates';
import { DEMO_CENTER_ID, DEMO_CHILDREN, DEMO_SEED, DEMO_WEEKS } from '../../renderer/src/features/setup/setupCenter';

/** The kiosk's fixed "now" in the tests: a Monday afternoon in China. */
export const NOW = '2026-11-30T16:30:00+08:00';
export const TODAY = '2026-11-30';

export function demoChildren() {
  const demo = generateDemoCenter({
    centerId: DEMO_CENTER_ID,
    seed: DEMO_SEED,
    children: DEMO_CHILDREN,
    from: addDays(TODAY, -7 * DEMO_WEEKS),
    to: addDays(TODAY, -1),
    deviceId: 'test',
    pinHash: { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' },
  });
  return demo.privates.map((p) => {
    const child = demo.children.find((c) => c._id === `child:${p.childId}`)!;
    return { childId: p.childId, fullName: p.fullName, displayName: p.displayName, code: p.pictureCode, birthMonth: child.birthMonth, grade: child.grade, consents: demo.consents.filter((c) => c.childId === p.childId) };
  });
}
