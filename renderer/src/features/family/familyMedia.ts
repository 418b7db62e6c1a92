/**
 * Recording and drawing choices for the kiosk's family messages (issue 15). Voice is Opus
 * in WebM at a low bit rate: speech stays clear and a minute is ~150 KB, which syncs over
 * a village connection and keeps a small kiosk disk free.
 */
export const RECORDER_BITS_PER_SECOND = 20_000;

/** What the recorder is asked for, best first; the first the browser supports is used. */
export const RECORDER_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'] as const;

/** The recorder type to ask for, or null to let the browser choose. */
export function pickRecorderType(isSupported: (type: string) => boolean): string | null {
  return RECORDER_TYPES.find((type) => isSupported(type)) ?? null;
}

/** A few bright colours a young child tells apart. */
export const drawingColours = ['#222222', '#e53935', '#1e88e5', '#43a047', '#fb8c00', '#8e24aa'] as const;
