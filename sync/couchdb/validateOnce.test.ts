/**
 * The validation functions build their tables (~100 KB of JSON Schema for a center database)
 * once per compile, not once per document written (issue 16, a fast first push). Each source
 * is loaded here the way the two servers load it, without a server:
 *
 *   couchjs (Apache CouchDB 3.x)  share/server/util.js `compileFunction` evaluates the field as
 *     a script in a sandbox and takes the value it ends with; since 3.3 a source that starts
 *     with `function` and ends with `}` is wrapped in parentheses first, anything else goes
 *     through an esprima/escodegen round trip that only changes an anonymous function
 *     *declaration* — so a single expression statement is evaluated as it is.
 *     The compiled function is kept on the design document for the life of the process.
 *   the trial server              pouchdb-validation's loader (couchdb-eval) returns the
 *     field as an expression (`return <source>`); stand-in fix 4 keeps the compiled function
 *     while the design documents' revisions stay the same.
 *
 * The table's build is counted by instrumenting the source in this test only
 * (`var SCHEMAS = built() || {…}`): counting, not timing.
 */
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { centerDesignDoc, countyDesignDoc } from './ddocs';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { withCountyCopies } from '../schema/county';
import { withOlderKioskCopies } from '../schema/olderCountyCopies';

type UserCtx = { name: string | null; roles: string[] };
type Validate = (newDoc: object, oldDoc: object | null, userCtx: UserCtx, secObj: object) => void;

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
// With the per-event county copies an older kiosk wrote (retired, still accepted by the county): many county documents to validate.
const centerDocs = (centerId: string) =>
  withOlderKioskCopies(withCountyCopies(demoDocuments(generateDemoCenter({ centerId, seed: 5, children: 8, from: '2026-10-08', to: '2026-10-21', deviceId: 'k', pinHash })))) as unknown as Record<string, unknown>[];
const qingshan = centerDocs('qingshan');
const shiqiao = centerDocs('shiqiao');
const syncAccount = (centerId: string): UserCtx => ({ name: `sync-${centerId}`, roles: [`center:${centerId}`] });

/** Apache CouchDB 3.x's loader: the rewrite rule of share/server/rewrite_fun.js, then evalcx in a fresh sandbox. */
function couchjsCompile(source: string, sandbox: object = {}): Validate {
  const program = source.startsWith('function') && source.endsWith('}') ? `(${source})` : source;
  const fn: unknown = vm.runInNewContext(program, vm.createContext({ ...sandbox }));
  if (typeof fn !== 'function') throw new Error(`Expression does not eval to a function. (${source.slice(0, 80)}…)`);
  return fn as Validate;
}

/** The source with every build of the table named `name` counted by `built()` (a global of the sandbox). */
function counted(source: string, name: 'SCHEMAS' | 'RULES'): string {
  const declaration = `var ${name} = `;
  expect(source.split(declaration)).toHaveLength(2);
  return source.replace(declaration, `${declaration}built() || `);
}

function refusal(validate: Validate, doc: object, userCtx: UserCtx): string | null {
  try {
    validate(doc, null, userCtx, {});
    return null;
  } catch (e) {
    return (e as { forbidden?: string }).forbidden ?? `unexpected: ${String(e)}`;
  }
}

describe('validate_doc_update is compiled once and keeps its table (CouchDB 3 and the trial server)', () => {
  it("evaluates, as couchjs loads it, to a function that builds the center's schema table once for a thousand documents", () => {
    let builds = 0;
    const validate = couchjsCompile(counted(centerDesignDoc('qingshan').validate_doc_update, 'SCHEMAS'), { built: () => void builds++ });
    expect(builds).toBe(1);
    const kiosk = syncAccount('qingshan');
    let accepted = 0;
    let refused = 0;
    for (let round = 0; accepted + refused < 1_000; round++) {
      for (const doc of qingshan) {
        expect(refusal(validate, doc, kiosk), String(doc._id)).toBeNull();
        accepted++;
      }
      // Refusals in between leave nothing behind: the next document is judged alone.
      expect(refusal(validate, { ...qingshan[round % qingshan.length]!, nickname: '小明' }, kiosk)).toMatch(/not a field of this document/);
      expect(refusal(validate, { ...qingshan[0]!, type: 'gossip' }, kiosk)).toMatch(/unknown document type: gossip/);
      refused += 2;
    }
    expect(builds).toBe(1);
  });

  it('gives two design documents (two centers) their own function and table, even in one sandbox', () => {
    let builds = 0;
    const context = vm.createContext({ built: () => void builds++ });
    const compileHere = (centerId: string) => vm.runInContext(counted(centerDesignDoc(centerId).validate_doc_update, 'SCHEMAS'), context) as Validate;
    const forQingshan = compileHere('qingshan');
    const forShiqiao = compileHere('shiqiao');
    expect(builds).toBe(2);
    for (let i = 0; i < Math.max(qingshan.length, shiqiao.length); i++) {
      const q = qingshan[i % qingshan.length]!;
      const s = shiqiao[i % shiqiao.length]!;
      expect(refusal(forQingshan, q, syncAccount('qingshan'))).toBeNull();
      expect(refusal(forShiqiao, s, syncAccount('shiqiao'))).toBeNull();
      expect(refusal(forQingshan, s, syncAccount('shiqiao'))).toMatch(/may not write to center qingshan/);
      expect(refusal(forShiqiao, { ...q, centerId: 'qingshan' }, syncAccount('shiqiao'))).toMatch(/does not belong in the database of center shiqiao/);
    }
    expect(builds).toBe(2);
  });

  it("builds the county database's rules once as well", () => {
    let builds = 0;
    const validate = couchjsCompile(counted(countyDesignDoc().validate_doc_update, 'RULES'), { built: () => void builds++ });
    const copier = { name: 'repl-qingshan', roles: ['copy-from:qingshan', 'copy-to:yunxi'] };
    const copies = qingshan.filter((d) => String(d._id).startsWith('county:'));
    expect(copies.length).toBeGreaterThan(50);
    for (const d of copies) expect(refusal(validate, d, copier), String(d._id)).toBeNull();
    for (const d of copies.slice(0, 20)) expect(refusal(validate, { ...d, childName: '王小明' }, copier)).toMatch(/not a field of this document/);
    expect(refusal(validate, copies[0]!, syncAccount('qingshan'))).toMatch(/only county administrators/);
    expect(builds).toBe(1);
  });

  it('is one expression: as a plain script, in parentheses, and as the trial server returns it, the same function', () => {
    const source = centerDesignDoc('qingshan').validate_doc_update;
    const fromStandin = createRequire(createRequire(import.meta.url).resolve('pouchdb-validation'))('couchdb-eval') as { evaluate(ddoc: object, vars: object, src: string): Validate };
    const loaded = [
      couchjsCompile(source),
      vm.runInNewContext(`(${source})`, {}) as Validate,
      fromStandin.evaluate({ _id: '_design/tongxin' }, {}, source),
    ];
    const doc = qingshan.find((d) => d.type === 'attendance')!;
    for (const validate of loaded) {
      expect(typeof validate).toBe('function');
      expect(refusal(validate, doc, syncAccount('qingshan'))).toBeNull();
      expect(refusal(validate, { ...doc, status: 'maybe' }, syncAccount('qingshan'))).toMatch(/attendance.status: not one of/);
    }
  });
});

describe('on the trial server (pouchdb-validation with stand-in fix 4)', () => {
  it("validates a _bulk_docs of a center's records with one build of the table, and refuses what it refused before", async () => {
    const require = createRequire(import.meta.url);
    require('./standin-fixes.cjs');
    const fromServer = createRequire(require.resolve('pouchdb-server/package.json'));
    type Db = { put(doc: unknown): Promise<unknown>; bulkDocs(docs: unknown[], o: object): Promise<{ id?: string; ok?: boolean; status?: number; message?: string }[]>; installValidationMethods(): void };
    const PouchDB = fromServer('pouchdb-core').plugin(fromServer('pouchdb-adapter-memory')).plugin(require('pouchdb-validation')) as new (name: string, o: object) => Db;
    const db = new PouchDB(`validate-once-${Date.now()}`, { adapter: 'memory' });
    db.installValidationMethods();
    const g = globalThis as { built?: () => void };
    let builds = 0;
    g.built = () => void builds++;
    try {
      await db.put({ ...centerDesignDoc('qingshan'), validate_doc_update: counted(centerDesignDoc('qingshan').validate_doc_update, 'SCHEMAS') });
      const bad = { ...qingshan.find((d) => d.type === 'attendance')!, _id: 'att:2026-10-09:bad', guardianPhone: '13800000000' };
      const results = await db.bulkDocs([...qingshan, bad], { userCtx: syncAccount('qingshan') });
      expect(results.filter((r) => r.ok)).toHaveLength(qingshan.length);
      const refused = results.find((r) => r.id === bad._id)!;
      expect(refused.status).toBe(403);
      expect(refused.message).toMatch(/guardianPhone: not a field of this document/);
      expect(builds).toBe(1);
    } finally {
      delete g.built;
    }
  });
});
