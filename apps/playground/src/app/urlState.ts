// The page's settings in the URL's query string, so a link reproduces a result. Reading is
// lenient: a parameter that does not parse keeps its default, so an old or edited link still
// opens.
import { isSimulationPolicyName } from '../sim/policies.js'
import { isWorkloadKind } from '../sim/workload.js'
import { isTraceFormat } from '../traces/traceFormat.js'
import { DEFAULT_STATE, type PageState } from './pageState.js'

/** The query string for `state` (without `?`), listing only what differs from the defaults. */
export function stateToQuery(state: PageState): string {
  const params = new URLSearchParams()
  params.set('source', state.source)
  if (state.source === 'file') {
    params.set('format', state.format)
    if (state.fileName !== '') params.set('file', state.fileName)
    if (state.format === 'csv') {
      params.set('column', state.csvColumn)
      params.set('header', state.csvHeader ? '1' : '0')
    }
  } else {
    params.set('keys', String(state.keys))
    params.set('length', String(state.length))
    if (state.source === 'zipf' || state.source === 'scanmix')
      params.set('skew', String(state.skew))
    if (state.source !== 'loop') params.set('seed', String(state.seed))
  }
  params.set('policies', state.policies.join(','))
  params.set('sizes', state.sizes)
  return params.toString()
}

/** The settings a query string holds, defaults filling whatever is missing or invalid. */
export function stateFromQuery(query: string): PageState {
  const params = new URLSearchParams(query)
  const state: PageState = { ...DEFAULT_STATE, policies: [...DEFAULT_STATE.policies] }
  const source = params.get('source')
  if (source === 'file' || isWorkloadKind(source)) state.source = source
  state.keys = numberParam(params, 'keys') ?? state.keys
  state.length = numberParam(params, 'length') ?? state.length
  state.skew = numberParam(params, 'skew') ?? state.skew
  state.seed = numberParam(params, 'seed') ?? state.seed
  const format = params.get('format')
  if (isTraceFormat(format)) state.format = format
  state.fileName = params.get('file') ?? state.fileName
  state.csvColumn = params.get('column') ?? state.csvColumn
  const header = params.get('header')
  if (header === '1' || header === '0') state.csvHeader = header === '1'
  const policies = params.get('policies')?.split(',').filter(isSimulationPolicyName)
  if (policies !== undefined && policies.length > 0) state.policies = policies
  state.sizes = params.get('sizes') ?? state.sizes
  return state
}

function numberParam(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name)
  if (text === null || text.trim() === '') return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}
