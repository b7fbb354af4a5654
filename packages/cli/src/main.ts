/**
 * `shequ`: set up a database, import base data, report, migrate, run the
 * scheduled jobs. Exit codes: 0 done; 1 data refused (or another failure);
 * 2 a usage error; 3 the database or the key failed.
 */
import { runShequ } from "./run.js"

// `shequ migrate --dry-run | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

void runShequ(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
