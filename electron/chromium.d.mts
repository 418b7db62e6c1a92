export declare function defaultCandidates(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv): string[];
export declare function findChromium(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string | null;
export declare function installRoute(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): 'root' | 'sudo' | null;
export declare const INSTALL_COMMAND: string;
export declare function missingBrowserMessage(): string;
export declare class BrowserMissingError extends Error {}
export declare function ensureChromium(options?: { why?: string; env?: NodeJS.ProcessEnv; log?: (message: string) => void }): string;
export declare function ensureTools(tools: readonly { bin: string; pkg: string }[], options?: { why?: string; env?: NodeJS.ProcessEnv; log?: (message: string) => void }): void;
