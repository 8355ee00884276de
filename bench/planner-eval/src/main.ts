import { askCases, chainCases, singleCases } from './cases.js'
import { evaluateAsk, evaluateChain, evaluateSingle, type CaseOutcome } from './evaluate.js'

// `pnpm eval:planner` prints one summary line; `-- --verbose` lists every case that missed.
const verbose = process.argv.includes('--verbose')

const outcomes: CaseOutcome[] = []
for (const item of singleCases) outcomes.push(await evaluateSingle(item))
for (const item of askCases) outcomes.push(await evaluateAsk(item))
for (const item of chainCases) outcomes.push(await evaluateChain(item))

const section = (name: CaseOutcome['section']): CaseOutcome[] => outcomes.filter((outcome) => outcome.section === name)
const share = (list: readonly CaseOutcome[], test: (outcome: CaseOutcome) => boolean): string => {
  const hits = list.filter(test).length
  return `${((100 * hits) / list.length).toFixed(1)}% (${hits}/${list.length})`
}

const guessed = outcomes.flatMap((outcome) => outcome.guessed)
if (verbose) {
  for (const outcome of outcomes) {
    if (!outcome.passed || outcome.guessed.length > 0) {
      console.log(`[${outcome.section}] ${outcome.prompt}\n    ${outcome.detail}${outcome.guessed.length > 0 ? `\n    GUESSED ${outcome.guessed.join(', ')}` : ''}`)
    }
  }
}
console.log(
  `PLANNER single_select=${share(section('single'), (o) => o.selected)} single_params=${share(section('single'), (o) => o.passed)} ` +
    `ask=${share(section('ask'), (o) => o.passed)} chain=${share(section('chain'), (o) => o.passed)} guessed_side_effects=${guessed.length}`,
)
