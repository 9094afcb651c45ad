// Writes the two module formats of the package from src/ (after `tsc -p tsconfig.build.json` has
// written the ESM declarations to dist/esm):
//
// - dist/cjs: the implementation, CommonJS, one file per source module (esbuild, not bundled),
//   with a package.json `{"type": "commonjs"}` and a copy of the declarations, so TypeScript reads
//   them as CommonJS. The `require` condition of every export points here.
// - dist/esm: one thin ES module per export entry, `export { ...names } from '../cjs/...'`, next
//   to the ESM declarations. The `import` condition points here.
//
// Why one implementation: `ContractValidationError` and the other error classes are checked with
// `instanceof`. Two builds (one ESM, one CommonJS) would load two copies of each class when an app
// both imports and requires the package, and an error thrown by one copy would fail `instanceof`
// against the other (the dual-package hazard). With one CommonJS implementation, `import` and
// `require` share a module instance (Node keeps CommonJS modules in one cache). See README,
// "Module systems".
//
// The names each wrapper re-exports are the names `require()` returns; the script checks that
// Node's ESM loader (cjs-module-lexer) detects every one of them in the CommonJS file, so a plain
// `import { X } from '@bedrock-batch/schema'` works, and fails the build otherwise.
import { cpSync, globSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(packageDir, 'src');
const cjsDir = join(packageDir, 'dist', 'cjs');
const esmDir = join(packageDir, 'dist', 'esm');
const require = createRequire(import.meta.url);

/** Every import stays an import of its own file or package: one output file per source module. */
const oneFilePerModule = {
  name: 'one-file-per-module',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
    );
  },
};

/** Compiles every source module to dist/cjs (CommonJS, Node 20 syntax). */
async function writeCommonJs() {
  rmSync(cjsDir, { recursive: true, force: true });
  await build({
    entryPoints: globSync('**/*.ts', { cwd: srcDir }).map((file) => join(srcDir, file)),
    outbase: srcDir,
    outdir: cjsDir,
    bundle: true,
    plugins: [oneFilePerModule],
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    tsconfig: join(packageDir, 'tsconfig.build.json'),
    logLevel: 'warning',
  });
  writeFileSync(join(cjsDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  cpSync(esmDir, cjsDir, {
    recursive: true,
    filter: (source) => !source.endsWith('.js') && !source.endsWith('.map'),
  });
}

/** The export entries with an `import` and a `require` target: `[subpath, esmFile, cjsFile]`. */
function exportEntries() {
  const { exports } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return Object.entries(exports)
    .filter(([, target]) => typeof target === 'object' && target.import && target.require)
    .map(([subpath, target]) => [
      subpath,
      join(packageDir, target.import.default),
      join(packageDir, target.require.default),
    ]);
}

/** Writes the ESM wrapper of one entry, after checking Node's ESM loader sees every name. */
async function writeWrapper(subpath, esmFile, cjsFile) {
  const names = Object.keys(require(cjsFile)).sort();
  const detected = new Set(Object.keys(await import(pathToFileURL(cjsFile).href)));
  const hidden = names.filter((name) => !detected.has(name));
  if (hidden.length > 0) {
    throw new Error(
      `${subpath}: Node's ESM loader does not see ${hidden.join(', ')} in ${cjsFile}`,
    );
  }
  let specifier = relative(dirname(esmFile), cjsFile).split('\\').join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  mkdirSync(dirname(esmFile), { recursive: true });
  writeFileSync(
    esmFile,
    '// ESM entry: re-exports the CommonJS implementation, so `import` and `require` share one\n' +
      '// copy of every class (see README, "Module systems").\n' +
      `export {\n${names.map((name) => `  ${name},\n`).join('')}} from '${specifier}';\n`,
  );
  return names.length;
}

await writeCommonJs();
for (const [subpath, esmFile, cjsFile] of exportEntries()) {
  const count = await writeWrapper(subpath, esmFile, cjsFile);
  console.log(`${subpath}: ${count} names, ${relative(packageDir, cjsFile)} + ESM wrapper`);
}
