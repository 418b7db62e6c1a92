// Issue 15: the family-contact documents on both sides of the sync contract, run in node:vm
// as CouchDB runs the validation; and proof that none of them can reach the county copy.
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { centerDesignDoc, countyDesignDoc, COUNTY_SELECTOR } from '../couchdb/ddocs';
import { parseStored } from './documents';
import { countyCopyOf, COUNTY_TYPES } from './county';
import { ids, PRIVATE_PREFIX } from './ids';

type Validate = (newDoc: object, oldDoc: object | null, userCtx: { name: string | null; roles: string[] }, secObj: object) => void;
const compile = (src: string) => vm.runInNewContext(`(${src})`, {}) as Validate;
const center = compile(centerDesignDoc('qingshan').validate_doc_update);
const county = compile(countyDesignDoc().validate_doc_update);
const kiosk = { name: 'sync-qingshan', roles: ['center:qingshan'] };
const refusal = (v: Validate, doc: object) => {
  try {
    v(doc, null, kiosk, {});
    return null;
  } catch (e) {
    return (e as { forbidden?: string }).forbidden ?? String(e);
  }
};
const CHILD = '01M3SGPM00C0000000000000AA';
const STAFF = '01M3SGPM00S0000000000000AA';
const base = { centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-11-02T16:00:00+08:00', updatedAt: '2026-11-02T16:00:00+08:00', deviceId: 'k' };
const voice = {
  ...base, _id: ids.familyMessage('01M3SGPM00M0000000000000AA'), type: 'familyMessage', childId: CHILD, kind: 'voice', text: '', durationSec: 12,
  status: 'waiting', deliveredAt: null, deliveredByStaffId: null, deliveredHow: null,
  _attachments: { 'message.webm': { content_type: 'audio/webm;codecs=opus', digest: 'md5-abc', length: 24000, revpos: 1, stub: true } },
};
const reply = {
  ...base, _id: ids.familyReply('01M3SGPM00R0000000000000AA'), type: 'familyReply', childId: CHILD, from: 'mother', kind: 'text', text: '妈妈想你，要听奶奶的话。',
  recordedByStaffId: STAFF, seenAt: null,
};
const plan = { ...base, _id: ids.callPlan('01M3SGPM00P0000000000000AA'), type: 'callPlan', childIds: [CHILD], weekday: 0, time: '19:00', withRelation: 'mother', note: '', active: true };
const log = {
  ...base, _id: ids.callLog('01M3SGPM00A0000000000000AA'), type: 'callLog', planId: '01M3SGPM00P0000000000000AA', childIds: [CHILD], date: '2026-11-01',
  at: '2026-11-01T19:20:00+08:00', outcome: 'happened', durationMin: 15, participants: ['mother'], staffId: STAFF,
};
const all = [voice, reply, plan, log];

describe('family contact documents (issue 15)', () => {
  it('are accepted by the kiosk and by the center database alike, attachments included', () => {
    for (const d of all) {
      expect(() => parseStored(d), d.type).not.toThrow();
      expect(refusal(center, d), d.type).toBeNull();
    }
    const withData = { ...voice, _attachments: { 'message.webm': { content_type: 'audio/webm', data: 'GkXfow==' } } };
    expect(refusal(center, withData)).toBeNull();
  });
  it('are refused on both sides with a field of another kind or a bad value', () => {
    for (const bad of [{ ...voice, parentPhone: '13800000000' }, { ...log, outcome: 'maybe' }, { ...plan, time: '25:00' }, { ...voice, durationSec: 600 }]) {
      expect(() => parseStored(bad)).toThrow();
      expect(refusal(center, bad)).not.toBeNull();
    }
  });
  it('live under private: ids, have no county copy, never match the county selector and are refused by the county database', () => {
    const selector = massageSelector(COUNTY_SELECTOR);
    for (const d of all) {
      expect(d._id.startsWith(PRIVATE_PREFIX)).toBe(true);
      expect(COUNTY_TYPES as readonly string[]).not.toContain(d.type);
      expect(countyCopyOf(parseStored(d) as never)).toBeNull();
      expect(matchesSelector(d, selector), d.type).toBe(false);
      expect(matchesSelector({ _id: d._id, _deleted: true, type: d.type, centerId: 'qingshan' }, selector)).toBe(false);
      expect(refusal(county, d)).not.toBeNull();
    }
  });
});
