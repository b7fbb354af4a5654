/**
 * The registry's refusals: a rule of the base record that a command would break,
 * named by a stable code, with the reason in both languages. Like every error,
 * it carries ids, never an ID or phone number.
 *
 * @since 0.2.0
 */
import { Schema } from "effect"
import { Text } from "../Errors.js"

/**
 * A command broke a rule of the registry; nothing was written.
 *
 * @since 0.2.0
 */
export class RegistryRefused extends Schema.TaggedError<RegistryRefused>()("RegistryRefused", {
  code: Schema.String,
  /** The record the rule was checked on (an id or a name), when there is one. */
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

/**
 * The registry needs the host's key (`makeKernel({ secrets })`, `shequ --key-file`)
 * to store or look up an ID or phone number.
 *
 * @since 0.2.0
 */
export class KeyRequired extends Schema.TaggedError<KeyRequired>()("KeyRequired", {
  code: Schema.Literal("REGISTRY.KEY_REQUIRED")
}) {
  get text(): Text {
    return {
      "zh-CN": "登记证件号码或手机号需要密钥：请以 makeKernel({ secrets }) 或 --key-file 提供",
      en: "Storing or looking up an ID or phone number needs the key: give it with makeKernel({ secrets }) or --key-file"
    }
  }
  override get message() {
    return `${this.text.en} / ${this.text["zh-CN"]}`
  }
}

/** @since 0.2.0 */
export const refused = (code: string, reason: Text, subject?: string): RegistryRefused =>
  new RegistryRefused(subject === undefined ? { code, reason } : { code, reason, subject })
