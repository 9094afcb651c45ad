// Writes the two module formats of a workspace package from its src/ (after
// `tsc -p tsconfig.build.json` has written the ESM declarations to dist/esm). Shared by
// @bedrock-batch/schema and @bedrock-batch/handlers; each calls it from its own
// scripts/build-module-formats.mjs.
//
// - dist/cjs: the implementation, CommonJS, one file per source module (esbuild, not bundled),
//   with a package.json `{"type": "commonjs"}` and a copy of the declarations, so TypeScript reads
//   them as CommonJS. The `require` condition of every export points here.
// - dist/cjs/<file> per vendored package: an ESM-only dependency compiled once to CommonJS; the
//   package's modules require that file instead of the package.
// - dist/esm: one thin ES module per export entry, `export { ...names } from '../cjs/...'`, next
//   to the ESM declarations. The `import` condition points here.
//
// Why one implementation: the packages' error classes are checked with `instanceof`. Two builds
// (one ESM, one CommonJS) would load two copies of each class when an app both imports and
// requires a package, and an error thrown by one copy would fail `instanceof` against the other
// (the dual-package hazard). With one CommonJS implementation, `import` and `require` share a
// module instance (Node keeps CommonJS modules in one cache).
//
// The names each wrapper re-exports are the names `require()` returns; the build checks that
// Node's ESM loader (cjs-module-lexer) detects every one of them in the CommonJS file, so a plain
// `import { X } from '<package>'` works, and fails otherwise.
import { cpSync, globSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Builds dist/cjs and the ESM wrappers of one package.
 *
 * @param {object} options
 * @param {string} options.packageDir - the package folder
 * @param {typeof import('esbuild').build} options.build - esbuild's `build`, from the package
 * @param {Record<string, string>} [options.vendored] - ESM-only packages to compile into dist/cjs:
 *   package name -> file, relative to dist/cjs
 *
 * @example
 * await buildModuleFormats({ packageDir, build, vendored: { '@middy/core': 'vendor/middy-core.js' } });
 */
async function buildModuleFormats({ packageDir, build, vendored = {} }) {
  const srcDir = join(packageDir, 'src');
  const cjsDir = join(packageDir, 'dist', 'cjs');
  const esmDir = join(packageDir, 'dist', 'esm');
  const packageName = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).name;

  /** A relative module specifier from the output of `importer` (a source file) to a dist/cjs file. */
  function specifierFrom(importer, cjsFile) {
    const from = dirname(join(cjsDir, relative(srcDir, importer)));
    const specifier = relative(from, join(cjsDir, cjsFile)).split('\\').join('/');
    return specifier.startsWith('.') ? specifier : `./${specifier}`;
  }

  /**
   * Every import stays an import of its own file or package: one output file per source module.
   * Imports of a vendored package point at its file in dist/cjs instead.
   */
  const oneFilePerModule = {
    name: 'one-file-per-module',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const file = vendored[args.path];
        const path = file === undefined ? args.path : specifierFrom(args.importer, file);
        return { path, external: true };
      });
    },
  };

  /**
   * The notices of the files esbuild bundled from node_modules: each package's name, version and
   * license, and the copyright lines of its files.
   */
  function notices(metafile) {
    const packages = new Set();
    const copyrights = new Set();
    for (const input of Object.keys(metafile.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match === null) continue;
      const { name, version, license } = JSON.parse(
        readFileSync(join(packageDir, match[1], 'package.json'), 'utf8'),
      );
      packages.add(`${name} ${version} (${license} License)`);
      const copyright = /^\/\/ (Copyright .*)$/m.exec(
        readFileSync(join(packageDir, input), 'utf8'),
      );
      if (copyright?.[1] !== undefined) copyrights.add(copyright[1]);
    }
    return [...packages, ...copyrights];
  }

  /**
   * Lets the vendor file `require()` an ESM-only package: resolves it as an `import` would, and
   * esbuild bundles the ES module it finds.
   */
  function requireAsImport(name) {
    return {
      name: 'require-as-import',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /.*/ }, (args) =>
          args.kind === 'require-call' && args.path === name
            ? pluginBuild.resolve(name, { kind: 'import-statement', resolveDir: args.resolveDir })
            : undefined,
        );
      },
    };
  }

  /**
   * Compiles one vendored package, with its own dependencies, to a single CommonJS file whose
   * `module.exports` is the package's default export carrying its named exports, the shape Node
   * gives an `import x from` of a CommonJS file (esbuild compiles our `import middy from
   * '@middy/core'` with Node's semantics, as the package is `"type": "module"`).
   */
  async function writeVendored(name, cjsFile) {
    const outfile = join(cjsDir, cjsFile);
    const { metafile } = await build({
      stdin: {
        contents: `const all = require('${name}');\nmodule.exports = Object.assign(all.default, all);\n`,
        resolveDir: packageDir,
        loader: 'js',
      },
      outfile,
      absWorkingDir: packageDir,
      bundle: true,
      plugins: [requireAsImport(name)],
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      metafile: true,
      logLevel: 'warning',
    });
    const header = [
      `${name}, compiled to CommonJS by the build of ${packageName}:`,
      ...notices(metafile),
    ];
    const code = readFileSync(outfile, 'utf8');
    writeFileSync(outfile, `${header.map((line) => `// ${line}\n`).join('')}${code}`);
  }

  /** Compiles every source module to dist/cjs (CommonJS, Node 20 syntax), vendored packages too. */
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
    for (const [name, cjsFile] of Object.entries(vendored)) await writeVendored(name, cjsFile);
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
}

export { buildModuleFormats };
