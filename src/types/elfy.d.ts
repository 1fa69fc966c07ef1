// elfy 1.0 ships no types; only what src/execute/supply.ts reads.
declare module 'elfy' {
  interface Section {
    name: string;
    data: Buffer;
  }
  interface Elf {
    body: { sections: Section[] };
  }
  const elfy: { parse(buf: Buffer): Elf };
  export default elfy;
}
