/**
 * Read-aloud for children who cannot read the prompts yet (issue 11). Three sources, in order:
 *
 * 1. A recording shipped with the app for each fixed kiosk prompt:
 *    `prompts/<locale>/<prompt id>.ogg` (Opus) under the renderer's public folder, the prompt id
 *    being the i18n key (PROMPT_IDS). A center replaces a file with its own human recording of the
 *    same name; a missing or unplayable file falls through to —
 * 2. the system voice (speechSynthesis) when the system has one for the language — also the
 *    only source for words that change, such as a child's name; and when neither is there —
 * 3. nothing can be said: speakParts resolves 'unsaid', and the kiosk shows staff a note.
 */

/** The fixed kiosk prompts that have a recording, by i18n key. */
export const PROMPT_IDS = [
  'kiosk.hello',
  'everyday2.home.checkInByName',
  'kiosk.checkIn',
  'kiosk.checkOut',
  'kiosk.talk',
  'checkin.pickTitle',
  'checkin.pickTitleOut',
  'checkin.pickTitleTalk',
  'everyday.kiosk.initialTitle',
  'everyday2.speech.codePrompt',
  'checkin.codeWrong',
  'checkin.codeTooMany',
  'checkin.moodTitle',
  'checkin.thanks',
  'checkin.thanksIn',
  'checkin.thanksOut',
  'checkin.thanksTalk',
  'checkin.help',
  'checkin.undone',
  'safety.blockedChild',
  'safety.pickupChild',
  'safety.goToTeacherNow',
] as const;
export type PromptId = (typeof PROMPT_IDS)[number];

/** One piece of what is said: a fixed prompt (with its recording) or words that change (a name). */
export interface SpeechPart {
  readonly text: string;
  readonly prompt?: PromptId;
}

/** 'said': every part had a recording or a voice; 'unsaid': at least one part could not be said here. */
export type SpeechResult = 'said' | 'unsaid';

export function canSpeak(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window;
}

/** Whether the system has a voice for the language (Chromium on a bare Linux kiosk has none). */
export function hasSystemVoice(lang: string): boolean {
  if (!canSpeak()) return false;
  const want = lang.toLowerCase().startsWith('zh') ? 'zh' : lang.toLowerCase().slice(0, 2);
  return window.speechSynthesis.getVoices().some((v) => v.lang.toLowerCase().replace('_', '-').startsWith(want));
}

/** The address of a prompt's recording, relative to the page (works over http and from files). */
export function promptUrl(prompt: PromptId, lang: string): string {
  return `prompts/${lang === 'en' ? 'en' : 'zh-CN'}/${prompt}.ogg`;
}

let current: HTMLAudioElement | null = null;
let generation = 0;

function playRecording(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const audio = new Audio(url);
    current = audio;
    audio.onended = () => resolve(true);
    audio.onerror = () => resolve(false);
    audio.play().catch(() => resolve(false));
  });
}

function systemVoice(text: string, lang: string): Promise<boolean> {
  if (!hasSystemVoice(lang)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    u.lang = lang;
    u.rate = 0.9;
    u.onend = () => resolve(true);
    u.onerror = () => resolve(false);
    window.speechSynthesis.speak(u);
  });
}

/** Stops whatever is being said (a new screen speaks over the old one). */
export function stopSpeaking(): void {
  generation++;
  current?.pause();
  current = null;
  if (canSpeak()) window.speechSynthesis.cancel();
}

/** Says the parts in order, each by its recording, else the system voice. */
export async function speakParts(parts: readonly SpeechPart[], lang: string): Promise<SpeechResult> {
  stopSpeaking();
  const mine = generation;
  let result: SpeechResult = 'said';
  for (const part of parts) {
    if (mine !== generation) return result;
    const recorded = part.prompt ? await playRecording(promptUrl(part.prompt, lang)) : false;
    if (recorded || mine !== generation) continue;
    if (!(await systemVoice(part.text, lang))) result = 'unsaid';
  }
  return result;
}

/** One text by the system voice only (staff pages reading an item aloud); false when there is none. */
export function speak(text: string, lang: string): boolean {
  if (!hasSystemVoice(lang)) return false;
  stopSpeaking();
  void systemVoice(text, lang);
  return true;
}
