// A minimal ELF64 little-endian file with the given sections (no program headers, no code): enough
// for a section reader such as elfy, and for the fake docker's exported "binary". Where it differs
// from a linked binary: it cannot run, and it has only the sections asked for plus .shstrtab.
import zlib from 'node:zlib';

/** @param {Array<{ name: string, data: Buffer }>} sections */
export function makeElf(sections) {
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOff = [];
  let strtab = Buffer.alloc(0);
  for (const n of names) {
    nameOff.push(strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(`${n}\0`)]);
  }
  const bodies = [...sections.map((s) => s.data), strtab];
  let off = 64;
  const offsets = bodies.map((b) => {
    const o = off;
    off += b.length;
    return o;
  });
  const shoff = off;
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // 64-bit
  header[5] = 1; // little endian
  header[6] = 1; // version
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(62, 18); // x86-64
  header.writeUInt32LE(1, 20);
  header.writeBigUInt64LE(BigInt(shoff), 40);
  header.writeUInt16LE(64, 52); // ehsize
  header.writeUInt16LE(56, 54); // phentsize
  header.writeUInt16LE(64, 58); // shentsize
  header.writeUInt16LE(names.length, 60); // shnum
  header.writeUInt16LE(names.length - 1, 62); // shstrndx
  const shdrs = Buffer.alloc(64 * names.length); // entry 0 stays SHT_NULL
  bodies.forEach((b, i) => {
    const at = 64 * (i + 1);
    shdrs.writeUInt32LE(nameOff[i + 1], at);
    shdrs.writeUInt32LE(i === bodies.length - 1 ? 3 : 1, at + 4); // SHT_STRTAB : SHT_PROGBITS
    shdrs.writeBigUInt64LE(BigInt(offsets[i]), at + 24);
    shdrs.writeBigUInt64LE(BigInt(b.length), at + 32);
    shdrs.writeBigUInt64LE(1n, at + 48); // addralign
  });
  return Buffer.concat([header, ...bodies, shdrs]);
}

/** cargo-auditable's `.dep-v0` payload: zlib-compressed JSON of the package list. */
export function depV0(packages) {
  return zlib.deflateSync(Buffer.from(JSON.stringify({ packages, format: 1 })));
}
