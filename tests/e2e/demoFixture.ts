/** What the e2e tests know about the demo center: the same deterministic generator the app runs. */
import { generateDemoCenter } from '../../renderer/src/domain/demo';
import { demoOptions } from '../../renderer/src/features/setup/setupCenter';

/** The kiosk's fixed "now" in the tests: a Monday afternoon in China. */
export const NOW = '2026-11-30T16:30:00+08:00';
export const TODAY = '2026-11-30';

export function demoChildren() {
  // Picture codes and ids do not depend on the PIN hash, so any well-formed one will do.
  const demo = generateDemoCenter(
    demoOptions(TODAY, 'test', { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' }),
  );
  return demo.privates.map((p) => {
    const child = demo.children.find((c) => c._id === `child:${p.childId}`)!;
    return { childId: p.childId, fullName: p.fullName, displayName: p.displayName, code: p.pictureCode, birthMonth: child.birthMonth, grade: child.grade, consents: demo.consents.filter((c) => c.childId === p.childId) };
  });
}
