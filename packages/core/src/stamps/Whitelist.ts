/**
 * The district's whitelist, in versions: the stamp items a community may issue
 * (社区盖章事项: the case cut 90 to 8), the plaques it may hang (社区挂牌: 4),
 * and the work it may take on from other departments (社区工作准入). Each
 * version is published whole by the district with the date it takes effect
 * (Asia/Shanghai); the version in force on a date is the one with the latest
 * effective date on or before it (of two with the same date, the later
 * published). Publishing never rewrites a version, nor a date on which a
 * request was already decided, so every decision stays explained by the
 * version it names.
 *
 * Both rules hold when a publication and a request, or two publications, run
 * at once: a request holds the version it is decided under until it commits,
 * and a publication holds every version of the district before it looks at the
 * decisions, so the later of the two sees what the earlier did. Two
 * publications at once are numbered one after the other. One moment is not
 * covered: a refusal is written just after its request rolled back, in a
 * transaction of its own (see `RecordsEvents`), and a publication back-dated
 * over its day that commits in between is not refused.
 *
 * @since 0.3.0
 */
import { Effect, ParseResult, Schema } from "effect"
import { sql } from "kysely"
import { CurrentActor, scopePath } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { StorageError } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { IsoDate, todayInChina } from "../registry/Places.js"
import { type StampRequestKind, StampsCode, WhitelistRefused } from "./Refused.js"

/**
 * The code of an item, plaque or work, as the district names it in its lists
 * and its workers name it at the window: lower-case letters, digits and `_`.
 *
 * @since 0.3.0
 */
export const WhitelistCode = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{0,63}$/),
  Problems.explain({
    code: StampsCode.Code,
    "zh-CN": "代码应以小写字母开头，由小写字母、数字或 _ 组成，至多 64 位",
    en: "A code starts with a lower-case letter and has lower-case letters, digits and _, at most 64"
  })
)

/** A department as it signs its requests (区民政局). @since 0.3.0 */
export const StampDepartment = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(100))

const Name = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200))

/** A stamp item or a plaque on the whitelist. @since 0.3.0 */
export const WhitelistEntry = Schema.Struct({ code: WhitelistCode, name: Name })

/** @since 0.3.0 */
export type WhitelistEntry = typeof WhitelistEntry.Type

/** Work one department may hand to communities. @since 0.3.0 */
export const WorkAccess = Schema.Struct({ department: StampDepartment, code: WhitelistCode, name: Name })

/** @since 0.3.0 */
export type WorkAccess = typeof WorkAccess.Type

const duplicate = Schema.Unknown.pipe(
  Problems.explain({
    code: StampsCode.DuplicateEntry,
    "zh-CN": "同一版本中此项已列过一次",
    en: "This entry is already listed in the version"
  })
).ast

/** A list whose entries are unique by `key`; each repeat is a problem at its own index. */
const uniqueList = <A, I>(entry: Schema.Schema<A, I>, key: (a: A) => string) => {
  const list = Schema.Array(entry).pipe(Schema.maxItems(500))
  return Schema.transformOrFail(list, Schema.typeSchema(list), {
    strict: true,
    decode: (entries, _, ast) => {
      const seen = new Set<string>()
      const repeats: Array<ParseResult.ParseIssue> = []
      entries.forEach((e, i) => {
        const k = key(e)
        if (seen.has(k)) repeats.push(new ParseResult.Pointer([i, "code"], entries, new ParseResult.Type(duplicate, e)))
        seen.add(k)
      })
      const [first, ...rest] = repeats
      return first === undefined
        ? ParseResult.succeed(entries)
        : ParseResult.fail(new ParseResult.Composite(ast, entries, [first, ...rest]))
    },
    encode: ParseResult.succeed
  })
}

/** A version as a table row. */
interface VersionRow {
  readonly id: string
  readonly number: number
  readonly effective_on: string
  readonly title: string
  readonly published_by: string
  readonly published_at: string | Date
}

const versionColumns = ["id", "number", "effective_on", "title", "published_by", "published_at"] as const

/**
 * The version in force on a date, or `undefined` before the first.
 *
 * @since 0.3.0
 */
export const versionInForce = (district: string, on: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("stamps_version")
        .select(versionColumns)
        .where("district_code", "=", district)
        .where("effective_on", "<=", on)
        .orderBy("effective_on", "desc")
        .orderBy("number", "desc")
        .limit(1)
        .executeTakeFirst()
    ),
    (row) => row as VersionRow | undefined
  )

/**
 * Holds versions of the district's whitelist until commit (every version, or
 * the one with this id): an update that changes nothing is the row lock both
 * engines understand, and SQLite's writers already take turns.
 */
const hold = (district: string, id?: string) =>
  Db.use(
    (db) =>
      db
        .updateTable("stamps_version")
        .set({ title: sql.ref("title") })
        .where("district_code", "=", district)
        .$if(id !== undefined, (q) => q.where("id", "=", id!))
        .execute(),
    "hold stamps_version"
  )

/**
 * The version in force on a date, held until commit, or `undefined` before
 * the first. A publication that took effect on or before the date while this
 * waited for the hold is in force now: it is held and read in turn.
 *
 * @since 0.3.0
 */
export const heldVersionInForce = (district: string, on: string) =>
  Effect.gen(function* () {
    let version = yield* versionInForce(district, on)
    while (version !== undefined) {
      yield* hold(district, version.id)
      const inForce = yield* versionInForce(district, on)
      if (inForce?.id === version.id) return version
      version = inForce
    }
    return undefined
  })

/**
 * The next version's number, written with the row: a publication at once with
 * another that took the same number (the district's first two) finds it taken
 * once the other commits, and takes the next.
 */
const insertVersion = (
  row: Omit<VersionRow, "number"> & { readonly district_code: string }
): Effect.Effect<number, StorageError, Db.Db> =>
  Effect.gen(function* () {
    const last = yield* Db.use((db) =>
      db
        .selectFrom("stamps_version")
        .select((eb) => eb.fn.max("number").as("last"))
        .where("district_code", "=", row.district_code)
        .executeTakeFirst()
    )
    const number = Number(last?.last ?? 0) + 1
    const written = yield* Db.use((db) =>
      db
        .insertInto("stamps_version")
        .values({ ...row, number })
        .onConflict((oc) => oc.columns(["district_code", "number"]).doNothing())
        .returning("number")
        .executeTakeFirst()
    )
    return written === undefined ? yield* Effect.suspend(() => insertVersion(row)) : number
  })

/**
 * Publishes a new version of the district's whitelist, whole: its stamp
 * items, plaques and work access list, in force from `effectiveOn`. Refused
 * when requests were already decided on or after that date
 * (`STAMPS.VERSION_BACKDATED`), also when they are being decided at the same
 * moment.
 *
 * @since 0.3.0
 */
export const publishWhitelist = command({
  input: Schema.Struct({
    district: DistrictCode,
    /** The first day the version is in force, Asia/Shanghai. */
    effectiveOn: IsoDate,
    /** The document that publishes it (《岭东区社区盖章事项清单》). */
    title: Name,
    items: uniqueList(WhitelistEntry, (e) => e.code),
    plaques: uniqueList(WhitelistEntry, (e) => e.code),
    work: uniqueList(WorkAccess, (e) => `${e.department}\u0000${e.code}`)
  }),
  target: (input) => ({ district: input.district, scopePath: scopePath(input.district) }),
  run: (input) =>
    Effect.gen(function* () {
      // Held first: a request being decided under one of them finishes before the decisions are read.
      yield* hold(input.district)
      const latest = yield* Db.use((db) =>
        db
          .selectFrom("stamps_decision")
          .select((eb) => eb.fn.max("requested_on").as("latest"))
          .where("district_code", "=", input.district)
          .executeTakeFirst()
      )
      const decidedUntil = latest?.latest === null || latest?.latest === undefined ? null : String(latest.latest)
      if (decidedUntil !== null && input.effectiveOn <= decidedUntil) {
        return yield* new WhitelistRefused({
          code: StampsCode.VersionBackdated,
          date: input.effectiveOn,
          reason: {
            "zh-CN": `${decidedUntil} 及以前的申请已按现行版本作出决定，新版本须在此日之后生效`,
            en: `Requests up to ${decidedUntil} were decided under the versions then in force; a new version takes effect after that day`
          }
        })
      }
      const id = yield* Ids.next
      const actor = yield* CurrentActor
      const publishedAt = yield* now
      const number = yield* insertVersion({
        district_code: input.district,
        id,
        effective_on: input.effectiveOn,
        title: input.title,
        published_by: actor.id,
        published_at: publishedAt
      })
      const entry = (kind: StampRequestKind, department: string, code: string, name: string) => ({
        district_code: input.district,
        version_id: id,
        kind,
        department,
        code,
        name
      })
      const entries = [
        ...input.items.map((e) => entry("item", "", e.code, e.name)),
        ...input.plaques.map((e) => entry("plaque", "", e.code, e.name)),
        ...input.work.map((e) => entry("work", e.department, e.code, e.name))
      ]
      if (entries.length > 0) yield* Db.use((db) => db.insertInto("stamps_entry").values(entries).execute())
      yield* Events.append({
        type: "stamps.whitelist-published",
        district: input.district,
        scopePath: scopePath(input.district),
        subject: id,
        payload: {
          version: number,
          effectiveOn: input.effectiveOn,
          title: input.title,
          items: input.items.map((e) => e.code),
          plaques: input.plaques.map((e) => e.code),
          work: input.work.map((e) => ({ department: e.department, code: e.code }))
        }
      })
      return { id, version: number }
    })
})

/**
 * A version of the whitelist with its three lists.
 *
 * @since 0.3.0
 */
export interface Whitelist {
  readonly version: number
  readonly effectiveOn: string
  readonly title: string
  readonly publishedBy: string
  readonly publishedAt: Date
  readonly items: ReadonlyArray<WhitelistEntry>
  readonly plaques: ReadonlyArray<WhitelistEntry>
  readonly work: ReadonlyArray<WorkAccess>
}

const withEntries = (district: string, row: VersionRow) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("stamps_entry")
        .select(["kind", "department", "code", "name"])
        .where("district_code", "=", district)
        .where("version_id", "=", row.id)
        .orderBy("kind")
        .orderBy("department")
        .orderBy("code")
        .execute()
    ),
    (entries): Whitelist => {
      const of = (kind: StampRequestKind) =>
        entries.filter((e) => e.kind === kind).map((e) => ({ code: String(e.code), name: String(e.name) }))
      return {
        version: Number(row.number),
        effectiveOn: String(row.effective_on),
        title: row.title,
        publishedBy: row.published_by,
        publishedAt: new Date(row.published_at),
        items: of("item"),
        plaques: of("plaque"),
        work: entries
          .filter((e) => e.kind === "work")
          .map((e) => ({ department: String(e.department), code: String(e.code), name: String(e.name) }))
      }
    }
  )

/**
 * The whitelist in force on a date (today in Asia/Shanghai when none is
 * given), or `null` before the first version took effect.
 *
 * @example
 * ```ts
 * const list = await kernel.exec(Stamps.queries.whitelist({ district: "230503", on: "2020-03-01" }), actor)
 * list?.items.map((i) => i.name) // the 8 items a community stamps
 * ```
 * @since 0.3.0
 */
export const whitelist = query({
  input: Schema.Struct({ district: DistrictCode, on: Schema.optional(IsoDate) }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const on = input.on ?? (yield* todayInChina)
      const row = yield* versionInForce(input.district, on)
      return row === undefined ? null : yield* withEntries(input.district, row)
    })
})

/**
 * One version of the whitelist by its number, in force or not, or `null` when
 * there is no such version.
 *
 * @since 0.3.0
 */
export const whitelistVersion = query({
  input: Schema.Struct({ district: DistrictCode, version: Schema.Int.pipe(Schema.positive()) }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("stamps_version")
          .select(versionColumns)
          .where("district_code", "=", input.district)
          .where("number", "=", input.version)
          .executeTakeFirst()
      )
      return row === undefined ? null : yield* withEntries(input.district, row as VersionRow)
    })
})

/**
 * A version as the history lists it.
 *
 * @since 0.3.0
 */
export type WhitelistVersionSummary = Omit<Whitelist, "items" | "plaques" | "work">

/**
 * Every version the district published, in the order published.
 *
 * @since 0.3.0
 */
export const versions = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.map(
      Db.use((db) =>
        db
          .selectFrom("stamps_version")
          .select(versionColumns)
          .where("district_code", "=", input.district)
          .orderBy("number")
          .execute()
      ),
      (rows) =>
        (rows as ReadonlyArray<VersionRow>).map((row): WhitelistVersionSummary => ({
          version: Number(row.number),
          effectiveOn: String(row.effective_on),
          title: row.title,
          publishedBy: row.published_by,
          publishedAt: new Date(row.published_at)
        }))
    )
})

/**
 * Whether the version lists what a request asks for: an item or plaque by its
 * code, work by the department and its code.
 *
 * @since 0.3.0
 */
export const lists = (
  district: string,
  version: VersionRow,
  kind: StampRequestKind,
  code: string,
  department: string
) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("stamps_entry")
        .select("code")
        .where("district_code", "=", district)
        .where("version_id", "=", version.id)
        .where("kind", "=", kind)
        .where("department", "=", kind === "work" ? department : "")
        .where("code", "=", code)
        .executeTakeFirst()
    ),
    (row) => row !== undefined
  )
