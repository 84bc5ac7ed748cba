export { describeValue, type ValueStyle } from './describeValue.js'
export { startInterval, startTimer, stopInterval, stopTimer, type TimerOptions } from './timers.js'
