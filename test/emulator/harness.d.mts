// Types for harness.mjs, so TypeScript tests can import it under strict NodeNext.

export interface EmulatorEntry {
  id: number;
  key: string;
  version: string;
  size: number;
  finalized: boolean;
  created: number;
}

export interface EmulatorConfig {
  /** HTTP status every cache API call gets (0 = off). */
  failAll?: number;
  /** Entries that may be created per window before 429 (0 = off). */
  rateLimitCreate?: number;
  rateLimitWindowMs?: number;
  /** Seconds sent as Retry-After with every 429 (0 = no header). */
  retryAfter?: number;
}

export interface CacheService {
  url: string;
  blobEndpoint: string;
  clientEnv: { ACTIONS_CACHE_SERVICE_V2: string; ACTIONS_RESULTS_URL: string; ACTIONS_RUNTIME_TOKEN: string };
  timings: { azuriteMs: number; emulatorMs: number };
  pids(): { azurite: number | undefined; emulator: number | undefined };
  logs(): { azurite: string; emulator: string };
  stats(): Promise<Record<string, number>>;
  entries(): Promise<EmulatorEntry[]>;
  reset(): Promise<void>;
  resetStats(): Promise<void>;
  configure(cfg: EmulatorConfig): Promise<EmulatorConfig>;
  stopEmulator(): Promise<string>;
  startEmulator(): Promise<number>;
  stopAzurite(): Promise<string>;
  stop(): Promise<{ emulator: string; azurite: string }>;
}

export function freePort(): Promise<number>;
export function fakeRuntimeToken(scopes?: Array<{ Scope: string; Permission: number }>): string;
export function startCacheService(opts?: { emulatorEnv?: Record<string, string>; verbose?: boolean; token?: string }): Promise<CacheService>;
