/**
 * The service desk's public face: the module, its menu, its refusals, what its
 * queries return, and the PRC holiday data its deadlines run on.
 *
 * @since 0.3.0
 */
export { Services } from "./Services.js"
export { defaultMenu as defaultServiceMenu, type ServiceMenuItem, type WorkingDays } from "./Menu.js"
export { ServiceLevel } from "./Levels.js"
export { ServicesCode, ServicesRefused } from "./Refused.js"
export { dueQuery as servicesDueQuery } from "./Escalation.js"
export type {
  ServiceRequestRecord,
  ServiceRequestSummary,
  ServicesFigures,
  ServicesReport,
  ServicesReportRow
} from "./Queries.js"
export * as Holidays from "../Holidays.js"
