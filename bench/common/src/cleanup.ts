/**
 * What a bench must undo when it stops early: temporary files, an embedded
 * server, schemas. Steps run last-in first-out, on Ctrl-C and SIGTERM (then
 * the process exits with 130) and when the bench calls `run` after a failure.
 */
export interface Cleanup {
  /** Adds a step; the returned function removes it again once the bench has undone it itself. */
  push(step: () => Promise<void>): () => void
  /** Runs every step still registered, last first; a failing step does not stop the others. */
  run(): Promise<void>
}

export const cleanupOnExit = (): Cleanup => {
  const steps: Array<() => Promise<void>> = []
  const run = async () => {
    for (const step of steps.splice(0).reverse()) await step().catch(() => undefined)
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void run().finally(() => process.exit(130))
    })
  }
  return {
    push: (step) => {
      steps.push(step)
      return () => {
        const at = steps.lastIndexOf(step)
        if (at >= 0) steps.splice(at, 1)
      }
    },
    run
  }
}
