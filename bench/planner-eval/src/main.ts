import { askCases, chainCases, singleCases } from './cases.js'
import { evaluateAsk, evaluateChain, evaluateSingle, type CaseOutcome } from './evaluate.js'
import { heldoutAskCases, heldoutChainCases, heldoutSingleCases } from './heldout-cases.js'
import { heldout3AskCases, heldout3ChainCases, heldout3SingleCases } from './heldout3-cases.js'

// `pnpm eval:planner` prints one summary line for the whole set and one for each part;
// `-- --verbose` lists every case that missed.
const verbose = process.argv.includes('--verbose')

async function evaluateSet(
  singles: typeof singleCases,
  asks: typeof askCases,
  chains: typeof chainCases,
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = []
  for (const item of singles) outcomes.push(await evaluateSingle(item))
  for (const item of asks) outcomes.push(await evaluateAsk(item))
  for (const item of chains) outcomes.push(await evaluateChain(item))
  return outcomes
}

const share = (list: readonly CaseOutcome[], test: (outcome: CaseOutcome) => boolean): string => {
  const hits = list.filter(test).length
  if (list.length === 0) return 'n/a (0/0)'
  return `${((100 * hits) / list.length).toFixed(1)}% (${hits}/${list.length})`
}

function summary(outcomes: readonly CaseOutcome[]): string {
  const section = (name: CaseOutcome['section']): CaseOutcome[] =>
    outcomes.filter((outcome) => outcome.section === name)
  const guessed = outcomes.flatMap((outcome) => outcome.guessed)
  return (
    `single_select=${share(section('single'), (o) => o.selected)} single_params=${share(section('single'), (o) => o.passed)} ` +
    `ask=${share(section('ask'), (o) => o.passed)} chain=${share(section('chain'), (o) => o.passed)} guessed_side_effects=${guessed.length} approvals=${outcomes.reduce((sum, o) => sum + o.approvals, 0)}`
  )
}

const first = await evaluateSet(singleCases, askCases, chainCases)
const heldout = await evaluateSet(heldoutSingleCases, heldoutAskCases, heldoutChainCases)
const heldout3 = await evaluateSet(heldout3SingleCases, heldout3AskCases, heldout3ChainCases)
const outcomes = [...first, ...heldout, ...heldout3]
if (verbose) {
  for (const outcome of outcomes) {
    if (!outcome.passed || outcome.guessed.length > 0) {
      console.log(
        `[${outcome.section}] ${outcome.prompt}\n    ${outcome.approvals > 0 ? `(after ${outcome.approvals} approval request(s)) ` : ''}${outcome.detail}${outcome.guessed.length > 0 ? `\n    GUESSED ${outcome.guessed.join(', ')}` : ''}`,
      )
    }
  }
}
console.log(`PLANNER ${summary(outcomes)}`)
console.log(`PLANNER first-set ${summary(first)}`)
console.log(`PLANNER heldout-2 ${summary(heldout)}`)
console.log(`PLANNER heldout-3 ${summary(heldout3)}`)
