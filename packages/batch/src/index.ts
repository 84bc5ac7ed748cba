export {
  Batcher,
  type BatchContext,
  type BatcherOptions,
  type BatchFn,
  type BatchResult,
} from './batcher.js'
export { BatchError, type BatchErrorCode } from './batchError.js'
export { checkBatcherOptions } from './options.js'
