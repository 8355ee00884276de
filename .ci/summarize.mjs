// Prints the closing "N passed, N failed" line of a CI run. Arguments come in threes, one triple per
// leg (the full `pnpm test` on Node 20, the unit tests on Node 24): vitest's JSON report, the leg's
// log (for the examples runner's "examples: N passed, N failed") and its exit status. A leg that
// failed before any test failed (install, lint, typecheck, a crashed run) counts as one failure.
import { existsSync, readFileSync } from 'node:fs'

const args = process.argv.slice(2)
let passed = 0
let failed = 0
for (let index = 0; index < args.length; index += 3) {
  const [reportPath, logPath, statusText] = args.slice(index, index + 3)
  let legPassed = 0
  let legFailed = 0
  if (reportPath && existsSync(reportPath)) {
    const report = JSON.parse(readFileSync(reportPath, 'utf8'))
    legPassed += report.numPassedTests ?? 0
    legFailed += report.numFailedTests ?? 0
    if ((report.numFailedTestSuites ?? 0) > 0 && (report.numFailedTests ?? 0) === 0)
      legFailed += report.numFailedTestSuites
  }
  const log = logPath && existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''
  const examples = /examples: (\d+) passed, (\d+) failed/.exec(log)
  if (examples) {
    legPassed += Number(examples[1])
    legFailed += Number(examples[2])
  }
  if (Number(statusText) !== 0 && legFailed === 0) legFailed = 1
  passed += legPassed
  failed += legFailed
}
console.log(`${passed} passed, ${failed} failed`)
