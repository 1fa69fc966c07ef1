import fs from 'node:fs';

/** The kernel's binfmt_misc entry that hands aarch64 ELFs to QEMU (engine-up.sh registers it). */
export const ARM64_BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

/**
 * Runs fn with the qemu-aarch64 binfmt entry disabled, so any linux/arm64 RUN fails with "exec
 * format error": a build that succeeds meanwhile ran nothing emulated. Always restores the state it
 * found (the engine is shared; callers hold /tmp/muslrust-engine.lock).
 */
export async function withoutArm64Emulation<T>(fn: () => Promise<T>): Promise<T> {
  if (!fs.existsSync(ARM64_BINFMT)) return fn(); // no emulator registered: nothing can run emulated anyway
  const was = fs.readFileSync(ARM64_BINFMT, 'utf8').split('\n')[0]?.trim();
  fs.writeFileSync(ARM64_BINFMT, '0');
  try {
    return await fn();
  } finally {
    if (was === 'enabled') fs.writeFileSync(ARM64_BINFMT, '1');
  }
}
