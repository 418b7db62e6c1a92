import { describe, expect, it } from 'vitest';
import { parseAnyDoc } from '@sync/schema/documents';
import { demoDocuments, generateDemoCenter } from './demo';
import { isLeftBehind, groupOn } from './child';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const options = { centerId: 'qingshan', seed: 42, children: 120, from: '2026-09-01', to: '2026-12-18', deviceId: 'test', pinHash };

describe('generateDemoCenter', () => {
  const demo = generateDemoCenter(options);
  const docs = demoDocuments(demo);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(demoDocuments(generateDemoCenter(options))).toEqual(docs);
    expect(generateDemoCenter({ ...options, seed: 43 }).children[0]).not.toEqual(demo.children[0]);
  });

  it('produces only documents that pass the sync schemas, with unique ids', () => {
    for (const doc of docs) parseAnyDoc(doc);
    expect(new Set(docs.map((d) => d._id)).size).toBe(docs.length);
  });

  it('has a plausible mix of left-behind, migrant and local children', () => {
    expect(demo.children).toHaveLength(120);
    const groups = demo.children.map((c) => groupOn(c, options.from));
    const leftBehind = groups.filter(isLeftBehind).length / groups.length;
    expect(leftBehind).toBeGreaterThan(0.4);
    expect(leftBehind).toBeLessThan(0.8);
    expect(groups).toContain('migrant');
    expect(groups).toContain('local');
    expect(groups).toContain('left-behind-both-away');
    const caregivers = demo.children.map((c) => c.groupHistory[0]!.caregiver);
    expect(caregivers).toContain('grandparent');
    expect(caregivers).toContain('surrogate-parent');
  });

  it('covers a term of attendance, services and mood check-ins', () => {
    const dates = new Set(demo.attendance.map((a) => a.date));
    expect(dates.size).toBeGreaterThan(60);
    const presentRate = demo.attendance.filter((a) => a.status === 'present').length / demo.attendance.length;
    expect(presentRate).toBeGreaterThan(0.7);
    expect(demo.moods.length).toBeGreaterThan(demo.attendance.length / 3);
    expect(new Set(demo.activities.map((a) => a.serviceType)).size).toBeGreaterThanOrEqual(6);
    // Private fields never appear outside private documents.
    for (const d of docs) if (d.type !== 'childPrivate') expect(JSON.stringify(d)).not.toMatch(/fullName|guardians|pictureCode/);
  });
});
