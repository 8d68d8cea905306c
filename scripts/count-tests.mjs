// Sums every workspace's vitest JSON report into the one plain line CI reads: "N passed, N failed".
// A workspace whose test task ran but left no report counts as one failure, so a crash is never green.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
let passed = 0;
let failed = 0;
// "packages/*" names every folder in packages/; a plain entry ("bench") names one workspace folder
const workspaceDirs = rootPkg.workspaces.flatMap((pattern) => {
  if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
  const parent = path.join(root, pattern.slice(0, -2));
  return fs.readdirSync(parent).map((name) => path.join(parent, name));
});
for (const dir of workspaceDirs) {
    const pkgPath = path.join(dir, 'package.json');
    if (!fs.existsSync(pkgPath)) continue;
    const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const report = path.join(dir, 'test-results.json');
    if (!fs.existsSync(report)) {
      console.log(`${pkg.name}: no test report (the test task crashed or did not run)`);
      failed += 1;
      continue;
    }
    const result = JSON.parse(fs.readFileSync(report, 'utf8'));
    // A file that failed outside any test (import error, a throwing beforeAll that leaves its tests skipped)
    // has no failed assertion of its own; count it once so it can never read as green.
    const suiteErrors = (result.testResults ?? []).filter(
      (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
    ).length;
    passed += result.numPassedTests ?? 0;
    failed += (result.numFailedTests ?? 0) + suiteErrors;
    console.log(`${pkg.name}: ${result.numPassedTests} passed, ${result.numFailedTests + suiteErrors} failed`);
    // Name each failure beside the summary: CI logs are often read from their tail only, and a count without
    // the test's name and first error line sends the reader back to a log that may no longer exist.
    for (const file of result.testResults ?? []) {
      const rel = path.relative(dir, file.name ?? '');
      const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      if (file.status === 'failed' && failedTests.length === 0) {
        // vitest's JSON keeps no error of a suite's own hooks: an empty message there is a beforeAll/afterAll
        // that failed (CI once printed only "FAILED test/admin.test.ts: "), so say that and what it skipped
        const skipped = (file.assertionResults ?? []).filter((test) => test.status !== 'passed').length;
        const why = file.message ? firstLine(file.message) : `a beforeAll/afterAll hook failed (its error is in the log above); ${skipped} test(s) skipped`;
        console.log(`  FAILED ${rel}: ${why}`);
      }
      for (const test of failedTests) {
        console.log(`  FAILED ${rel} > ${test.fullName ?? test.title}: ${firstLine(test.failureMessages?.[0])}`);
      }
    }
}
console.log(`${passed} passed, ${failed} failed`);

function firstLine(text) {
  // vitest's messages carry ANSI colours and whole stacks; one plain line of at most 300 characters is enough
  const plain = String(text ?? 'no message').replace(/\u001b\[[0-9;]*m/g, '').trim();
  const line = plain.split('\n').find((l) => l.trim()) ?? plain;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
process.exit(failed > 0 || passed === 0 ? 1 : 0);
