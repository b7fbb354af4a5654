/**
 * The service desk's refusals: a rule of the desk that a command would break,
 * named by a stable code, with the reason in both languages. Nothing is written
 * when one is raised.
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import { Text } from "../Errors.js"

/**
 * The service desk's error codes.
 *
 * @since 0.3.0
 */
export const ServicesCode = {
  /** The service is not on the district's menu (菜单式服务). */
  NotOnMenu: "SERVICES.NOT_ON_MENU",
  /**
   * A handover or escalation without a reason. Raised as a problem of
   * `InvalidInput` (with every other problem of the input), not as a refusal.
   */
  ReasonRequired: "SERVICES.REASON_REQUIRED",
  /** The person has no home in the district (moved out, died, or never lived here): there is no grid to serve them. */
  NotAResident: "SERVICES.NOT_A_RESIDENT",
  /** The worker (the actor, or whom a request is handed to) holds no role that handles the service at the request's level. */
  NotAHandler: "SERVICES.NOT_A_HANDLER",
  /** Only the owner hands a request over, escalates it or completes it (一窗口办结). */
  NotOwner: "SERVICES.NOT_OWNER",
  /** The request already has an owner at its level: the first worker it reached (首问负责制). */
  AlreadyOwned: "SERVICES.ALREADY_OWNED",
  /** A request is handed over to someone else, not to its owner. */
  HandoverToOwner: "SERVICES.HANDOVER_TO_OWNER",
  /** The request is done. */
  Closed: "SERVICES.CLOSED",
  /** The request is at the district command centre: there is no level above. */
  TopLevel: "SERVICES.TOP_LEVEL",
  /**
   * The deadline at the request's level has lapsed and the sweep has not yet
   * recorded it: the request does not change hands or levels until it has, so
   * the lapse stays with whoever held it.
   */
  LapsePending: "SERVICES.LAPSE_PENDING",
  /** Someone else changed the request while this command ran; read it again. */
  Changed: "SERVICES.CHANGED",
  /**
   * The request's owner still handles it (in post, their role held): only they
   * hand it over. The level above reassigns a request only once its owner has
   * left.
   */
  OwnerInPost: "SERVICES.OWNER_IN_POST",
  /** Only a worker of a level above the request's, or an admin of its own level, reassigns a request. */
  NotAbove: "SERVICES.NOT_ABOVE",
  /** A service leaves the menu today or later: a menu change is not back-dated. */
  BackDated: "SERVICES.BACK_DATED"
} as const

/** @since 0.3.0 */
export type ServicesCode = (typeof ServicesCode)[keyof typeof ServicesCode]

/**
 * A command broke a rule of the service desk; nothing was written.
 *
 * @since 0.3.0
 */
export class ServicesRefused extends Schema.TaggedError<ServicesRefused>()("ServicesRefused", {
  code: Schema.String,
  /** The request, service or worker the rule was checked on. */
  subject: Schema.optional(Schema.String),
  reason: Text
}) {
  get text(): Text {
    return this.reason
  }
  override get message() {
    return `${this.reason.en} / ${this.reason["zh-CN"]}`
  }
}

/** @since 0.3.0 */
export const refused = (code: ServicesCode, reason: Text, subject?: string): ServicesRefused =>
  new ServicesRefused(subject === undefined ? { code, reason } : { code, reason, subject })
