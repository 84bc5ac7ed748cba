export { startInterval, startTimer, stopInterval, stopTimer, type TimerOptions } from './timers.js'
