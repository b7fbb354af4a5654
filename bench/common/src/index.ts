/**
 * What the benchmarks under bench/ share.
 */
export { cleanupOnExit, type Cleanup } from "./cleanup.js"
export { maxRssMb, median, percentile, type RssSampler, startRssSampler } from "./measure.js"
export { parseCount } from "./options.js"
export { copyField, ident, type PostgresServer, startPostgres } from "./postgres.js"
