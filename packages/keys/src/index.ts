export { KeyError, type KeyErrorCode } from './keyError.js'
export { keyOf, type Keyed } from './keyOf.js'
export {
  keyTemplate,
  SINGLE_KEY,
  type KeyTemplate,
  type KeyTemplateOptions,
} from './keyTemplate.js'
export { makeKey, type CacheKey, type MakeKeyOptions } from './makeKey.js'
export { checkKeyOptions } from './options.js'
export { stableHash } from './stableHash.js'
