/**
 * Memory and latency figures. Peak RSS is sampled every 50 ms in a worker
 * thread: a bench keeps the main thread busy for seconds on end (better-sqlite3
 * is synchronous, and `for await` over a sync source never yields to timers), so
 * a `setInterval` on the main thread would not fire while the rows are written.
 * RSS is a property of the process, so the worker sees the main thread's memory.
 */
import { Worker } from "node:worker_threads"

const SAMPLER = `
const { workerData } = require("node:worker_threads")
const slots = workerData
const raise = (index, kb) => {
  for (;;) {
    const current = Atomics.load(slots, index)
    if (kb <= current || Atomics.compareExchange(slots, index, current, kb) === current) return
  }
}
const sample = () => {
  const kb = Math.round(process.memoryUsage.rss() / 1024)
  raise(0, kb)
  raise(1, kb)
}
sample()
setInterval(sample, 50)
`

export interface RssSampler {
  /** Starts a new window: the window's peak restarts from the current RSS. */
  reset(): void
  /** The peak RSS of the current window, in MiB. */
  windowPeakMb(): number
  /** The peak RSS since the sampler started, in MiB. */
  peakMb(): number
  stop(): Promise<void>
}

const currentKb = () => Math.round(process.memoryUsage.rss() / 1024)

export const startRssSampler = (): RssSampler => {
  // [0]: peak of the current window, [1]: peak since start; both in KiB.
  const slots = new Int32Array(new SharedArrayBuffer(8))
  slots[0] = slots[1] = currentKb()
  const worker = new Worker(SAMPLER, { eval: true, workerData: slots })
  worker.unref()
  const read = (index: number) => Math.max(Atomics.load(slots, index), currentKb()) / 1024
  return {
    reset: () => Atomics.store(slots, 0, currentKb()),
    windowPeakMb: () => read(0),
    peakMb: () => read(1),
    stop: async () => {
      await worker.terminate()
    }
  }
}

/** The OS's own high-water mark of this process (getrusage ru_maxrss), in MiB. */
export const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The value below which `p` percent of the values lie (nearest rank). */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
