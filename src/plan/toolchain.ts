import { WorkspaceError } from '../errors.js';
import type { ToolchainPin } from '../read/toolchain-file.js';

/**
 * cargo-chef 0.1.77 with --locked builds guppy 0.17.25 and cargo_metadata 0.23, which need Rust 1.86:
 * the inline chef stage compiles it with the base image's own toolchain, so that must be >= this.
 */
export const CHEF_MIN_RUST = '1.86.0';
/** clux/muslrust publishes linux/arm64 next to amd64 since 2024-02-26 (Rust 1.76.0). */
export const MUSLRUST_MULTIARCH_MIN = '1.76.0';
/** Cargo.lock `version = 4` is read by cargo 1.78 and later only. */
export const LOCKFILE_V4_MIN = '1.78.0';

/** Which toolchain the chef, planner and builder stages run, and how it gets there. */
export interface RustToolchain {
  /** clux/muslrust tag of the inline chef stage (ignored with `builder-image`). */
  muslrustTag: string;
  why: string;
  /** RUSTUP_TOOLCHAIN for prepare, cook and build; '' = the image's default toolchain (no pin). */
  toolchain: string;
  /** true: `rustup toolchain install` it; false: the image already has it (only components are added). */
  install: boolean;
  components: string[];
  profile: string;
  warnings: string[];
}

const numeric = (v: string) => {
  const [a = 0, b = 0, c = 0] = v.split('-')[0]?.split('.').map(Number) ?? [];
  return a * 1e6 + b * 1e3 + c;
};
const older = (v: string, than: string) => numeric(v) < numeric(than);

/**
 * One toolchain for prepare, cook and build: ENV RUSTUP_TOOLCHAIN beats the toolchain file in rustup's
 * order, so the file can no longer make `cargo build` auto-install a toolchain without the musl
 * target (E0463; cargo-chef#279) after cook ran under the image's `stable`. An exact version from
 * 1.86 on uses clux/muslrust's `<version>-stable` image, whose `stable` IS that version; `nightly` its
 * `nightly` image; everything else (`1.85` = rustup's newest 1.85.x, beta, dated channels, older
 * versions) is installed by rustup on the default image, where cargo-chef still builds.
 */
export function resolveToolchain(pin: ToolchainPin | undefined, o: { builderImage: boolean; defaultTag: string; lock: string }): RustToolchain {
  const base = { components: pin?.components ?? [], profile: pin?.profile ?? 'minimal', warnings: [] as string[] };
  if (!pin) return { ...base, muslrustTag: o.defaultTag, why: 'no rust-toolchain pin; pinned default', toolchain: '', install: false };
  const ch = pin.channel ?? 'stable';
  const said = `${pin.file} pins ${pin.channel ?? '(no channel: the default stable)'}`;
  const version = /^\d+\.\d+(\.\d+)?(-beta(\.\d+)?)?$/.test(ch) ? ch : undefined;
  if (version && older(version, LOCKFILE_V4_MIN) && /^version = 4$/m.test(o.lock)) {
    throw new WorkspaceError(
      `${said}, but Cargo.lock is version 4, which cargo reads from ${LOCKFILE_V4_MIN} on: the build would fail. ` +
        `Pin ${LOCKFILE_V4_MIN} or newer in ${pin.file}, or regenerate Cargo.lock with that toolchain (version 3).`,
    );
  }
  if (version && older(version, MUSLRUST_MULTIARCH_MIN)) {
    base.warnings.push(
      `${said}, older than any multi-platform clux/muslrust image (${MUSLRUST_MULTIARCH_MIN}): the chef stage uses clux/muslrust:${o.defaultTag} ` +
        `and rustup installs ${ch} with the musl target; linking arm64 with that old a toolchain is untested. Pin ${MUSLRUST_MULTIARCH_MIN} or newer if the build fails.`,
    );
  }
  if (o.builderImage) {
    // A prebuilt builder's toolchains are unknown: install the pin (a no-op when the builder has it),
    // but never `install` a moving channel, which would update the builder's own toolchain.
    const moving = ch === 'stable' || ch === 'nightly';
    return { ...base, muslrustTag: o.defaultTag, why: `${said}; run under it in builder-image`, toolchain: ch, install: !moving };
  }
  if (pin.channel === undefined) {
    return { ...base, muslrustTag: o.defaultTag, why: `${said}; the pinned default image's toolchain`, toolchain: 'stable', install: false };
  }
  if (ch === 'stable' || ch === 'nightly') {
    return { ...base, muslrustTag: ch, why: `${said} (a moving tag: pin a version for reproducible images)`, toolchain: ch, install: false };
  }
  if (/^\d+\.\d+\.\d+$/.test(ch) && !older(ch, CHEF_MIN_RUST)) {
    return { ...base, muslrustTag: `${ch}-stable`, why: `${said}: clux/muslrust:${ch}-stable, whose stable toolchain is ${ch}`, toolchain: 'stable', install: false };
  }
  const how = /^\d+\.\d+$/.test(ch) ? ` (rustup resolves ${ch} to its newest patch release, for cook and build alike)` : '';
  const chefNote = version && older(version, CHEF_MIN_RUST) ? `; cargo-chef needs ${CHEF_MIN_RUST}+ so it is built by the image's toolchain` : '';
  return { ...base, muslrustTag: o.defaultTag, why: `${said}: installed by rustup on clux/muslrust:${o.defaultTag}${how}${chefNote}`, toolchain: ch, install: true };
}

/** Chef-stage lines (after cargo-chef is built): install the pin with the musl target, then select it for every later stage. */
export function toolchainLines(t: RustToolchain): string[] {
  if (t.toolchain === '') return [];
  const lines = [`# ${t.why}.`, '# RUSTUP_TOOLCHAIN (not the file) selects it, so cargo chef prepare, cook and cargo build use this one toolchain.'];
  const comp = t.components.length > 0 ? ` --component ${t.components.join(',')}` : '';
  if (t.install) {
    lines.push(
      `RUN rustup toolchain install ${t.toolchain} --no-self-update --profile ${t.profile} --target "$(uname -m)-unknown-linux-musl"${comp} \\\n && rustup run ${t.toolchain} rustc --version`,
    );
  } else if (t.components.length > 0) {
    lines.push(`RUN rustup component add --toolchain ${t.toolchain} ${t.components.join(' ')}`);
  }
  lines.push(`ENV RUSTUP_TOOLCHAIN=${t.toolchain}`);
  return lines;
}
