// Summarises bench/tools/profile-kiosk.ts output: self time by function for the slowest
// tenth of the samples of one kind against the rest, per sample, in ms.
// Usage: node bench/tools/profile-summary.mjs <dir> checkin|key [top]
import fs from 'node:fs';
import path from 'node:path';

const [dir, kind, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const files = fs.readdirSync(dir).filter((f) => f.startsWith(`${kind}-`));
const samples = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
samples.sort((a, b) => b.ms - a.ms);
const slow = samples.slice(0, Math.max(1, Math.round(samples.length / 10)));
const rest = samples.slice(slow.length);

function selfTimes(group) {
  const self = new Map();
  for (const { profile: p } of group) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const cf = byId.get(p.samples[i]).callFrame;
      if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue;
      const key = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-1)[0]}:${cf.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000 / group.length);
    }
  }
  return self;
}

const ms = (g) => g.map((s) => s.ms.toFixed(1)).join(' ');
console.log(`${kind}: ${samples.length} samples; slowest ${slow.length}: ${ms(slow)}; median of the rest ${rest[Math.floor(rest.length / 2)]?.ms.toFixed(1)}`);
const a = selfTimes(slow);
const b = selfTimes(rest);
const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (a.get(y) ?? 0) - (a.get(x) ?? 0)).slice(0, top);
console.log('slow/sample  rest/sample  function');
for (const k of keys) console.log(`${(a.get(k) ?? 0).toFixed(2).padStart(10)}  ${(b.get(k) ?? 0).toFixed(2).padStart(10)}  ${k}`);
