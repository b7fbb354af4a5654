/**
 * The whitelist's refusals. A request the whitelist in force does not allow
 * fails with {@link StampRefused}, which names the rule and the version and is
 * recorded by the kernel although the request is undone, so refusals are
 * counted. Anything else the module cannot do fails with
 * {@link WhitelistRefused}, which is not counted.
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import { RecordedEvents, Text } from "../Errors.js"
import type { NewEvent } from "../Events.js"

/**
 * The module's stable codes: the three rules a request can break, and the
 * refusals of everything else. Bad input (a malformed code, an entry listed
 * twice in one version) is refused whole with `CORE.INVALID_INPUT`, its
 * problems coded `STAMPS.CODE` and `STAMPS.DUPLICATE_ENTRY`.
 *
 * @since 0.3.0
 */
export const StampsCode = {
  /** The item is not on the whitelist of stamp items (社区盖章事项) in force. */
  ItemNotWhitelisted: "STAMPS.ITEM_NOT_WHITELISTED",
  /** The plaque is not on the list of plaques a community may hang (社区挂牌). */
  PlaqueNotAllowed: "STAMPS.PLAQUE_NOT_ALLOWED",
  /** The department's work is not on the access list (社区工作准入). */
  WorkNotAdmitted: "STAMPS.WORK_NOT_ADMITTED",
  /** No version of the whitelist was in force on the request's date. */
  NoVersionInForce: "STAMPS.NO_VERSION_IN_FORCE",
  /** A version would take effect on or before a date on which requests were already decided. */
  VersionBackdated: "STAMPS.VERSION_BACKDATED",
  /** The request is dated after today. */
  RequestInFuture: "STAMPS.REQUEST_IN_FUTURE",
  /** An input code is not lower-case letters, digits and `_`. */
  Code: "STAMPS.CODE",
  /** One version lists the same entry twice. */
  DuplicateEntry: "STAMPS.DUPLICATE_ENTRY"
} as const

/**
 * What a request asks the community to do: stamp an item (盖章), hang a plaque
 * (挂牌), or take on a department's work (工作准入).
 *
 * @since 0.3.0
 */
export const StampRequestKind = Schema.Literal("item", "plaque", "work")

/** @since 0.3.0 */
export type StampRequestKind = typeof StampRequestKind.Type

/** The rule of each kind of request, by its code and its name in both languages. */
const rules: Record<
  StampRequestKind,
  { readonly code: StampRefused["code"]; readonly name: Text; readonly act: Text }
> = {
  item: {
    code: StampsCode.ItemNotWhitelisted,
    name: { "zh-CN": "社区盖章事项白名单", en: "the whitelist of stamp items" },
    act: { "zh-CN": "社区不予盖章", en: "the community does not stamp it" }
  },
  plaque: {
    code: StampsCode.PlaqueNotAllowed,
    name: { "zh-CN": "社区挂牌清单", en: "the list of plaques a community hangs" },
    act: { "zh-CN": "社区不予挂牌", en: "the community does not hang it" }
  },
  work: {
    code: StampsCode.WorkNotAdmitted,
    name: { "zh-CN": "社区工作准入清单", en: "the access list of community work" },
    act: { "zh-CN": "社区不予承接", en: "the community does not take it on" }
  }
}

/** The code of the rule a request of this kind can break. @since 0.3.0 */
export const ruleOf = (kind: StampRequestKind): StampRefused["code"] => rules[kind].code

/**
 * A request the whitelist in force on its date does not allow: nothing of the
 * request is written, and the kernel records a `stamps.refused` event (the
 * module's handler writes the refusal row the counts come from). `code` says
 * which list refused it; `version` and `effectiveOn` name the version.
 *
 * @since 0.3.0
 */
export class StampRefused extends Schema.TaggedError<StampRefused>()("StampRefused", {
  code: Schema.Literal(StampsCode.ItemNotWhitelisted, StampsCode.PlaqueNotAllowed, StampsCode.WorkNotAdmitted),
  district: Schema.String,
  community: Schema.String,
  /** The community's scope path, where the refusal is counted. */
  scopePath: Schema.String,
  kind: StampRequestKind,
  /** The item, plaque or work asked for, by its code. */
  item: Schema.String,
  department: Schema.String,
  requestedOn: Schema.String,
  /** The number of the version in force on `requestedOn`. */
  version: Schema.Number,
  effectiveOn: Schema.String
}) {
  get text(): Text {
    const rule = rules[this.kind]
    const what = this.kind === "work" ? `${this.department}: ${this.item}` : this.item
    return {
      "zh-CN": `「${what}」不在${rule.name["zh-CN"]}（第 ${this.version} 版，${this.effectiveOn} 起施行）内，${rule.act["zh-CN"]}`,
      en: `${what} is not on ${rule.name.en} (version ${this.version}, in force from ${this.effectiveOn}): ${rule.act.en}`
    }
  }
  override get message() {
    return `${this.text.en} / ${this.text["zh-CN"]}`
  }
  get [RecordedEvents](): ReadonlyArray<NewEvent> {
    return [
      {
        type: "stamps.refused",
        district: this.district,
        scopePath: this.scopePath,
        payload: {
          kind: this.kind,
          code: this.item,
          department: this.department,
          community: this.community,
          requestedOn: this.requestedOn,
          version: this.version,
          rule: this.code
        }
      }
    ]
  }
}

/**
 * A command of the stamps module that cannot run: no version in force on the
 * date, a version that would rewrite dates already decided, a request dated
 * after today. Nothing was written and nothing is counted.
 *
 * @since 0.3.0
 */
export class WhitelistRefused extends Schema.TaggedError<WhitelistRefused>()("WhitelistRefused", {
  code: Schema.Literal(StampsCode.NoVersionInForce, StampsCode.VersionBackdated, StampsCode.RequestInFuture),
  /** The date the rule was checked on. */
  date: Schema.String,
  reason: Text
}) {
  get text(): Text {
    return this.reason
  }
  override get message() {
    return `${this.reason.en} / ${this.reason["zh-CN"]}`
  }
}
