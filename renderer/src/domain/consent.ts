/**
 * Consent is an append-only list of grant/withdraw events per child (PIPL:
 * every consent recorded, separately per purpose, withdrawable). The state on a
 * date is the fold of the events effective on or before it, ordered by
 * effective date then by when they were recorded.
 */
import type { ConsentScope } from '@sync/schema/vocab';
import { CONSENT_SCOPES } from '@sync/schema/vocab';
import type { ConsentDoc } from '@sync/schema/documents';
import { byCodeUnits } from './search';

export type ConsentState = Readonly<Record<ConsentScope, boolean>>;

export const NO_CONSENT: ConsentState = Object.freeze(
  Object.fromEntries(CONSENT_SCOPES.map((s) => [s, false])) as Record<ConsentScope, boolean>,
);

export function consentOn(events: readonly Pick<ConsentDoc, 'action' | 'scopes' | 'effectiveOn' | 'createdAt'>[], date: string): ConsentState {
  const state: Record<ConsentScope, boolean> = { ...NO_CONSENT };
  const ordered = events
    .filter((e) => e.effectiveOn <= date)
    .sort((a, b) => byCodeUnits(a.effectiveOn, b.effectiveOn) || byCodeUnits(a.createdAt, b.createdAt));
  for (const e of ordered) for (const s of e.scopes) state[s] = e.action === 'grant';
  return state;
}

/** Thrown when an action needs a consent scope the guardian has not given (or has withdrawn). */
export class ConsentRequiredError extends Error {
  override name = 'ConsentRequiredError';
  constructor(readonly scope: ConsentScope) {
    super(`consent for ${scope} is not recorded`);
  }
}

/** @throws ConsentRequiredError when `scope` is not granted in `state`. */
export function assertConsent(state: ConsentState, scope: ConsentScope): void {
  if (!state[scope]) throw new ConsentRequiredError(scope);
}
