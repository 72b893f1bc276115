// Precompressed copies of the bundle's static files (FILE.br and FILE.gz next to FILE), made once at build time so
// the server never compresses them per request. Used by build.sh:
//
//   node precompress.mjs DIR            write DIR/**/*.{br,gz} for every file worth compressing
//   node precompress.mjs --verify DIR   check that DIR has exactly those copies and each decompresses to its file
//
// `--verify` compares contents, not bytes, so a different zlib in another Node.js version is not a stale bundle.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import zlib from "node:zlib";

const COMPRESSIBLE = /\.(js|mjs|wasm|css|json|svg)$/;
const MIN_BYTES = 1024;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

function worthCompressing(path) {
  return COMPRESSIBLE.test(path) && readFileSync(path).length >= MIN_BYTES;
}

const verify = process.argv[2] === "--verify";
const dir = process.argv[verify ? 3 : 2];
const originals = files(dir).filter((p) => !/\.(br|gz)$/.test(p) && worthCompressing(p));
let problems = 0;
for (const path of originals) {
  const data = readFileSync(path);
  if (verify) {
    for (const [suffix, inflate] of [[".br", zlib.brotliDecompressSync], [".gz", zlib.gunzipSync]]) {
      if (!existsSync(path + suffix) || !inflate(readFileSync(path + suffix)).equals(data)) {
        console.error(`${path}${suffix} is missing or does not decompress to ${path}`);
        problems += 1;
      }
    }
  } else {
    const brotli = zlib.brotliCompressSync(data, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    writeFileSync(path + ".br", brotli);
    writeFileSync(path + ".gz", zlib.gzipSync(data, { level: 9 }));
  }
}
if (verify) {
  const expected = new Set(originals.flatMap((p) => [p + ".br", p + ".gz"]));
  for (const extra of files(dir).filter((p) => /\.(br|gz)$/.test(p) && !expected.has(p))) {
    console.error(`${extra} has no original worth compressing`);
    problems += 1;
  }
  process.exit(problems > 0 ? 1 : 0);
}
