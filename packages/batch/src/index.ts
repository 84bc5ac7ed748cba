export { Batcher, type BatchContext, type BatchFn, type BatchResult } from './batcher.js'
export { BatchError, type BatchErrorCode } from './batchError.js'
export { checkBatcherOptions, type BatcherOptions } from './options.js'
