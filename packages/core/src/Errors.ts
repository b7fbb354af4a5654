/**
 * The kernel's error catalogue. Every error is a tagged value with a stable
 * `code`, the path or rule involved, and a message in zh-CN and en. Hosts match on
 * `_tag` (Effect) or `code` (anything else); the Promise face rejects with these
 * values themselves, so `instanceof` works.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { NewEvent } from "./Events.js"

/**
 * A message in both languages the project ships.
 *
 * @since 0.1.0
 */
export const Text = Schema.Struct({ "zh-CN": Schema.String, en: Schema.String })

/** @since 0.1.0 */
export type Text = typeof Text.Type

/** The locales messages are given in. @since 0.1.0 */
export type Locale = keyof Text

/**
 * One problem with one value: where it is (`path`, e.g. `rows[3].name`), what
 * kind of problem (`code`), and why, in both languages.
 *
 * @since 0.1.0
 */
export const Problem = Schema.Struct({
  path: Schema.String,
  code: Schema.String,
  "zh-CN": Schema.String,
  en: Schema.String,
  /** In a bulk import, the row's line in its file (the header is line 1), or its 1-based position among rows given as values. */
  row: Schema.optional(Schema.Number),
  /** In a bulk import, the column the problem is in. */
  column: Schema.optional(Schema.String)
})

/** @since 0.1.0 */
export type Problem = typeof Problem.Type

/**
 * Stable error codes of the kernel, namespaced `CORE.*`. Modules and plugins
 * export their own catalogues the same way.
 *
 * @since 0.1.0
 */
export const CoreCode = {
  InvalidInput: "CORE.INVALID_INPUT",
  Forbidden: "CORE.FORBIDDEN",
  NotFound: "CORE.NOT_FOUND",
  Storage: "CORE.STORAGE",
  HandlerFailed: "CORE.HANDLER_FAILED",
  EventCycle: "CORE.EVENT_CYCLE",
  PluginRequirementMissing: "CORE.PLUGIN_REQUIREMENT_MISSING",
  PluginCycle: "CORE.PLUGIN_CYCLE",
  PluginInvalid: "CORE.PLUGIN_INVALID",
  DuplicateName: "CORE.DUPLICATE_NAME",
  MigrationChanged: "CORE.MIGRATION_CHANGED",
  MigrationsPending: "CORE.MIGRATIONS_PENDING",
  DistributionRule: "CORE.DISTRIBUTION_RULE",
  DateOutsideCalendar: "CORE.DATE_OUTSIDE_CALENDAR",
  UnknownCommand: "CORE.UNKNOWN_COMMAND"
} as const

/** @since 0.1.0 */
export type CoreCode = (typeof CoreCode)[keyof typeof CoreCode]

const localised = (text: Text) => `${text.en} / ${text["zh-CN"]}`

/**
 * Input that does not satisfy a command's schema. Every problem is listed, never
 * just the first; nothing was written.
 *
 * @since 0.1.0
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  code: Schema.Literal(CoreCode.InvalidInput),
  command: Schema.String,
  problems: Schema.Array(Problem)
}) {
  /** Both languages, one line per problem. */
  get text(): Text {
    const where = (p: Problem, locale: Locale) =>
      p.row === undefined
        ? p.path || "(input)"
        : locale === "en"
          ? `line ${p.row}${p.column ? ` ${p.column}` : ""}`
          : `第 ${p.row} 行${p.column ? ` ${p.column}` : ""}`
    const lines = (locale: Locale) => this.problems.map((p) => `${where(p, locale)}: ${p[locale]}`).join("; ")
    return {
      "zh-CN": `命令 ${this.command} 的输入有 ${this.problems.length} 处错误：${lines("zh-CN")}`,
      en: `${this.problems.length} problem(s) in the input of ${this.command}: ${lines("en")}`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * The actor may not do this here: no role allows the command, or the target lies
 * outside every scope the actor holds.
 *
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  code: Schema.Literal(CoreCode.Forbidden),
  action: Schema.String,
  actor: Schema.String,
  scopePath: Schema.String,
  rule: Schema.String
}) {
  get text(): Text {
    return {
      "zh-CN": `${this.actor} 无权在 ${this.scopePath} 执行 ${this.action}（规则：${this.rule}）`,
      en: `${this.actor} may not run ${this.action} at ${this.scopePath} (rule: ${this.rule})`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/** A record a command acts on does not exist (in the actor's view). @since 0.1.0 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  code: Schema.Literal(CoreCode.NotFound),
  entity: Schema.String,
  id: Schema.String
}) {
  get text(): Text {
    return { "zh-CN": `未找到 ${this.entity}：${this.id}`, en: `No ${this.entity} with id ${this.id}` }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * The engine failed. `retryable` says whether running the same command again can
 * help (a lock timeout, a serialisation failure, a dropped connection) or not (a
 * constraint violated by the input).
 *
 * @since 0.1.0
 */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  code: Schema.Literal(CoreCode.Storage),
  operation: Schema.String,
  retryable: Schema.Boolean,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  get text(): Text {
    return {
      "zh-CN": `存储操作失败（${this.operation}）${this.retryable ? "，可重试" : ""}：${this.detail}`,
      en: `Storage failed during ${this.operation}${this.retryable ? " (retryable)" : ""}: ${this.detail}`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * An event handler of a plugin failed; the whole command was rolled back. Names
 * the plugin, the handler and the event, and keeps the cause.
 *
 * @since 0.1.0
 */
export class HandlerFailed extends Schema.TaggedError<HandlerFailed>()("HandlerFailed", {
  code: Schema.Literal(CoreCode.HandlerFailed),
  plugin: Schema.String,
  handler: Schema.String,
  event: Schema.String,
  cause: Schema.Defect
}) {
  get text(): Text {
    const why = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return {
      "zh-CN": `插件 ${this.plugin} 处理事件 ${this.event} 的 ${this.handler} 失败，整个命令已回滚：${why}`,
      en: `Handler ${this.handler} of plugin ${this.plugin} failed on ${this.event}; the command was rolled back: ${why}`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * Handlers kept triggering each other: the chain of events came back to a
 * handler already in it.
 *
 * @since 0.1.0
 */
export class EventCycle extends Schema.TaggedError<EventCycle>()("EventCycle", {
  code: Schema.Literal(CoreCode.EventCycle),
  chain: Schema.Array(Schema.String)
}) {
  get text(): Text {
    const chain = this.chain.join(" -> ")
    return {
      "zh-CN": `事件处理形成循环，命令已回滚：${chain}`,
      en: `Event handlers form a cycle; the command was rolled back: ${chain}`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * The kernel could not be built from these plugins and this database. `code`
 * says which rule; `subjects` names the plugins, migrations or tables involved.
 *
 * @since 0.1.0
 */
export class KernelConfigError extends Schema.TaggedError<KernelConfigError>()("KernelConfigError", {
  code: Schema.Literal(
    CoreCode.PluginRequirementMissing,
    CoreCode.PluginCycle,
    CoreCode.PluginInvalid,
    CoreCode.DuplicateName,
    CoreCode.MigrationChanged,
    CoreCode.MigrationsPending,
    CoreCode.DistributionRule
  ),
  subjects: Schema.Array(Schema.String),
  problems: Schema.Array(Text)
}) {
  get text(): Text {
    return {
      "zh-CN": this.problems.map((p) => p["zh-CN"]).join("；"),
      en: this.problems.map((p) => p.en).join("; ")
    }
  }
  override get message() {
    return `[${this.code}] ${localised(this.text)}`
  }
}

/**
 * A date the calendar data does not cover: the kernel refuses to guess whether
 * it is a working day.
 *
 * @since 0.1.0
 */
export class DateOutsideCalendar extends Schema.TaggedError<DateOutsideCalendar>()("DateOutsideCalendar", {
  code: Schema.Literal(CoreCode.DateOutsideCalendar),
  date: Schema.String,
  covered: Schema.String
}) {
  get text(): Text {
    return {
      "zh-CN": `日历数据不含 ${this.date}（已有：${this.covered}），无法判断是否为工作日`,
      en: `The calendar data does not cover ${this.date} (covered: ${this.covered}); no working day is guessed`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/** A command or query name no plugin registered. @since 0.1.0 */
export class UnknownCommand extends Schema.TaggedError<UnknownCommand>()("UnknownCommand", {
  code: Schema.Literal(CoreCode.UnknownCommand),
  name: Schema.String
}) {
  get text(): Text {
    return { "zh-CN": `没有名为 ${this.name} 的命令或查询`, en: `No command or query named ${this.name}` }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * Any error the kernel itself raises while running a command.
 *
 * @since 0.1.0
 */
export type KernelError = InvalidInput | Forbidden | StorageError | HandlerFailed | EventCycle | UnknownCommand

/**
 * The key under which an error carries events the kernel records although the
 * work that failed with it is undone. See {@link RecordsEvents}.
 *
 * @since 0.3.0
 */
export const RecordedEvents: unique symbol = Symbol.for("@shequ/core/Errors/RecordedEvents")

/**
 * An error that must fail its command yet leave a trace: a refusal the
 * district counts (a stamp item not on the whitelist). The kernel rolls the
 * command back as for any failure, then appends these events in a unit of work
 * of their own, where they are dispatched to handlers like any event (a
 * module's handler writes the row its counts come from), and fails with the
 * error itself. Should recording fail, that failure is returned instead, so a
 * refusal is never dropped unseen.
 *
 * @example
 * ```ts
 * class Turned extends Schema.TaggedError<Turned>()("Turned", { district: Schema.String, item: Schema.String }) {
 *   get [RecordedEvents](): ReadonlyArray<NewEvent> {
 *     return [{ type: "gate.turned-away", district: this.district, payload: { item: this.item } }]
 *   }
 * }
 * ```
 * @since 0.3.0
 */
export interface RecordsEvents {
  readonly [RecordedEvents]: ReadonlyArray<NewEvent>
}

/**
 * The events a failure asks the kernel to record: none unless it is
 * {@link RecordsEvents}.
 *
 * @since 0.3.0
 */
export const recordedEvents = (error: unknown): ReadonlyArray<NewEvent> =>
  typeof error === "object" && error !== null && RecordedEvents in error ? (error as RecordsEvents)[RecordedEvents] : []
