// The simulation worker's entry: hands each message to a SimSession, which does the work.
import type { WorkerRequest, WorkerResponse } from './protocol.js'
import { SimSession } from './simSession.js'

const session = new SimSession((response: WorkerResponse) => {
  postMessage(response)
})

addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  void session.handle(event.data)
})
