// Sums the jest results every package wrote (test-results.json) and prints one closing line,
// "Tests: N passed, N failed". Exits non-zero when a package with tests wrote no results, when a
// test failed, or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = join(import.meta.dirname, '..', 'packages');
let passed = 0;
let failed = 0;
let problems = 0;
for (const name of readdirSync(packagesDir).sort()) {
  const manifestPath = join(packagesDir, name, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!manifest.scripts?.test) continue;
  const resultsPath = join(packagesDir, name, 'test-results.json');
  if (!existsSync(resultsPath)) {
    console.log(`${manifest.name}: no test results (${resultsPath})`);
    problems += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
  console.log(
    `${manifest.name}: ${results.numPassedTests} passed, ${results.numFailedTests} failed in ${results.numTotalTestSuites} suites`,
  );
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
}
console.log(`Tests: ${passed} passed, ${failed} failed`);
if (failed > 0 || problems > 0 || passed === 0) process.exit(1);
