/**
 * Makes the kiosk's recorded prompts (issue 11: children who cannot read hear every kiosk prompt,
 * and Chromium on a bare Linux kiosk has no speech voice). Run offline:
 *
 *   npx tsx build/prompts.ts            # needs espeak-ng and opusenc (Debian: apt-get install espeak-ng opus-tools)
 *
 * One small Opus file per prompt id (ui/speech.ts PROMPT_IDS) and language, from the texts in the
 * locale files, into renderer/public/prompts/<locale>/<id>.ogg. These are synthetic voices: a center
 * replaces any file with its own human recording under the same name (README: Read-aloud).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import zhCN from '../renderer/src/i18n/zh-CN';
import en from '../renderer/src/i18n/en';
import { PROMPT_IDS } from '../renderer/src/ui/speech';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VOICES = { 'zh-CN': { messages: zhCN, voice: 'cmn' }, en: { messages: en, voice: 'en' } } as const;

function textOf(messages: object, key: string): string {
  const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], messages);
  if (typeof value !== 'string') throw new Error(`no text for ${key}`);
  return value;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'tongxin-prompts-'));
try {
  for (const [locale, { messages, voice }] of Object.entries(VOICES)) {
    const dir = path.join(ROOT, 'renderer', 'public', 'prompts', locale);
    mkdirSync(dir, { recursive: true });
    for (const id of PROMPT_IDS) {
      const wav = path.join(scratch, `${id}.wav`);
      execFileSync('espeak-ng', ['-v', voice, '-s', '140', '-w', wav, textOf(messages, id)]);
      // Speech at 16 kbit/s mono: a few kilobytes a prompt.
      execFileSync('opusenc', ['--quiet', '--bitrate', '16', '--downmix-mono', wav, path.join(dir, `${id}.ogg`)]);
    }
    console.log(`${PROMPT_IDS.length} prompts in ${path.relative(ROOT, dir)}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
