// Prints the closing "N passed, N failed" line of a CI run from vitest's JSON report and the
// examples runner's summary. A step that failed before tests ran (lint, typecheck) counts as one failure.
import { existsSync, readFileSync } from 'node:fs'

const [reportPath, logPath, statusText] = process.argv.slice(2)
let passed = 0
let failed = 0
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  if ((report.numFailedTestSuites ?? 0) > 0 && (report.numFailedTests ?? 0) === 0) failed += report.numFailedTestSuites
}
const log = logPath && existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''
const examples = /examples: (\d+) passed, (\d+) failed/.exec(log)
if (examples) {
  passed += Number(examples[1])
  failed += Number(examples[2])
}
if (Number(statusText) !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed`)
