// The behaviour page: @cache/decorators working live, one card per behaviour.
import { setUpNegativeCard } from './negativeCard.js'
import { setUpOutageCard } from './outageCard.js'
import { setUpStampedeCard } from './stampedeCard.js'
import { setUpTrafficCard } from './trafficCard.js'
import { setUpTtlCard } from './ttlCard.js'

const errorBox = document.getElementById('error')

function showError(error: unknown): void {
  if (errorBox === null) return
  errorBox.textContent = error instanceof Error ? error.message : String(error)
  errorBox.hidden = false
}

function clearError(): void {
  if (errorBox !== null) errorBox.hidden = true
}

document.addEventListener('submit', clearError, { capture: true })
setUpStampedeCard(showError)
setUpNegativeCard(showError)
setUpTtlCard(showError)
setUpTrafficCard(showError)
setUpOutageCard(showError)
