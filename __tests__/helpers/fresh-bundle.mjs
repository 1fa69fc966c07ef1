// jest globalSetup of the bundle and engine projects: they run dist/index.js, so rebuild it first
// when the sources changed since the last `npm run package` (script/package.mjs keeps the stamp).
import { freshBundle } from '../../script/package.mjs';

export default function () {
  const t0 = Date.now();
  if (freshBundle()) process.stderr.write(`\ndist/ was older than src/: rebuilt with ncc in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
