export { describeValue, type ValueStyle } from './describeValue.js'
export { isArray } from './isArray.js'
export { VALUE_STYLES } from './valueStyles.js'
export { startInterval, startTimer, stopInterval, stopTimer, type TimerOptions } from './timers.js'
