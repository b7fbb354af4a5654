/**
 * shequ (社区): an embeddable, plugin-based kernel for community governance.
 *
 * @since 0.1.0
 */
export * as Actor from "./Actor.js"
export * as Calendar from "./Calendar.js"
export * as Csv from "./registry/Csv.js"
export * as Db from "./Db.js"
export * as Distribution from "./Distribution.js"
export * as Events from "./Events.js"
export * as IdentityDocument from "./registry/IdentityDocument.js"
export * as Ids from "./Ids.js"
export * as Mask from "./registry/Mask.js"
export * as Migration from "./Migration.js"
export * as Policy from "./Policy.js"
export * as Problems from "./Problems.js"
export * as Scope from "./Scope.js"
export * as Secrets from "./registry/Secrets.js"
export * as Succession from "./registry/Succession.js"
export * as Vocabulary from "./registry/Vocabulary.js"
export { Registry } from "./registry/Registry.js"
export { placeColumns, PlacesImportCode } from "./registry/PlacesImport.js"
export { residentColumns, ResidentsImportCode } from "./registry/ResidentsImport.js"
export { MoveCode } from "./registry/Moves.js"
export { PlanCode, PlanRefused, type Plan } from "./registry/Redistricting.js"
export { StaffCode, type StaffEntry } from "./registry/Staff.js"
export { MAX_TEMPORARY_ACCESS_MS, TemporaryAccessCode } from "./registry/TemporaryAccess.js"
export { KeyRequired, RegistryRefused } from "./registry/Refused.js"
export type { PopulationRow, ResidentRecord, RosterEntry } from "./registry/Queries.js"
export { Core, DistrictCode, ScopePath } from "./Core.js"
export * from "./party/index.js"
export * from "./stamps/index.js"
export * from "./services/index.js"
export * from "./proposals/index.js"
export * from "./Errors.js"
export { makeKernel, makeKernelEffect, planMigrations } from "./Kernel.js"
export type {
  ImportOptions,
  ImportResult,
  Kernel,
  KernelOptions,
  KernelStartError,
  PlannedMigration,
  RunError,
  TickReport
} from "./Kernel.js"
export { command, definePlugin, importer, job, problemAt, query, refuseRow, rowsFor, tablePrefix } from "./Plugin.js"
export type {
  CommandDef,
  CommandRequest,
  Handler,
  ImportBatch,
  ImportDef,
  ImportRequest,
  ImportRow,
  ImportRows,
  ImportTable,
  JobDef,
  Plugin,
  PluginSpec,
  QueryDef,
  QueryRequest,
  QueryServices,
  RowProblem,
  RowRefused,
  Services as CommandServices,
  Settled,
  TableRow
} from "./Plugin.js"
export type { DomainEvent, NewEvent, PendingEvent, SinceOptions } from "./Events.js"
export type * from "./Storage.js"
