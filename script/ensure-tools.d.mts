/** The Debian packages `npm test` needs, what for, and how ensure-tools.mjs tells they are there. */
export declare const TOOLS: ReadonlyArray<{ pkg: string; why: string; present(): boolean }>;
