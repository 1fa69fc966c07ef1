// Types of elf.mjs (a plain module so the fake docker can import it too).
export function makeElf(sections: Array<{ name: string; data: Buffer }>): Buffer;
export function depV0(packages: unknown[]): Buffer;
