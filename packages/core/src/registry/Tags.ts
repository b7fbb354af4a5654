/**
 * Tags for the vulnerable groups the plugins act on: on a resident, or on a
 * household for the tags that belong to one (low income, extreme poverty, a
 * family that lost its only child). Each has a start, an optional end, and who
 * set it; adding or ending one is an event plugins react to.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import { IsoDate, todayInChina } from "./Places.js"
import { refused } from "./Refused.js"
import { tags, TagCode } from "./Vocabulary.js"

const appliesTo = new Map(tags.map((t) => [t.code, t.appliesTo]))

/** Where a tag goes: the resident's or household's table, and the column naming it. @since 0.2.0 */
export const tagTable = (tag: TagCode) =>
  appliesTo.get(tag) === "household"
    ? ({ table: "registry_household_tag", column: "household_id", owner: "registry_household" } as const)
    : ({ table: "registry_resident_tag", column: "person_id", owner: "registry_person" } as const)

/** Tags every district restricts (PIPL art. 28), besides those a district names. @since 0.2.0 */
export const restrictedEverywhere: ReadonlySet<string> = new Set(tags.filter((t) => t.restricted).map((t) => t.code))

/** The tags restricted in a district. @since 0.2.0 */
export const restrictedTags = (district: string) =>
  Effect.map(
    Db.use((db) =>
      db.selectFrom("registry_restricted_tag").select("tag").where("district_code", "=", district).execute()
    ),
    (rows) => new Set([...restrictedEverywhere, ...rows.map((r) => String(r.tag))])
  )

const subjectOf = (district: string, tag: TagCode, subject: string) =>
  Effect.gen(function* () {
    const { owner } = tagTable(tag)
    const row = yield* Db.use((db) =>
      db
        .selectFrom(owner)
        .select("scope_path")
        .where("district_code", "=", district)
        .where("id", "=", subject)
        .executeTakeFirst()
    )
    if (row === undefined) {
      return yield* new NotFound({
        code: CoreCode.NotFound,
        entity: owner === "registry_household" ? "household" : "resident",
        id: subject
      })
    }
    return { scopePath: String(row.scope_path), resident: owner === "registry_person" ? subject : undefined }
  })

export const addTag = command({
  input: Schema.Struct({
    district: DistrictCode,
    tag: TagCode,
    /** The resident's id, or the household's for a household tag. */
    subject: Schema.UUID,
    startedOn: Schema.optional(IsoDate)
  }),
  load: (input) => subjectOf(input.district, input.tag, input.subject),
  target: (input, subject) => ({
    district: input.district,
    scopePath: subject.scopePath,
    ...(subject.resident === undefined ? {} : { resident: subject.resident })
  }),
  run: (input, subject) =>
    Effect.gen(function* () {
      const { table, column } = tagTable(input.tag)
      const open = yield* Db.use((db) =>
        db
          .selectFrom(table)
          .select("id")
          .where("district_code", "=", input.district)
          .where(column, "=", input.subject)
          .where("tag", "=", input.tag)
          .where("ended_on", "is", null)
          .executeTakeFirst()
      )
      if (open !== undefined) {
        return yield* refused(
          "REGISTRY.TAG_OPEN",
          { "zh-CN": "该标签已在有效期内", en: "The tag is already set" },
          String(open.id)
        )
      }
      const id = yield* Ids.next
      const actor = yield* CurrentActor
      const startedOn = input.startedOn ?? (yield* todayInChina)
      yield* Db.use((db) =>
        db
          .insertInto(table)
          .values({
            district_code: input.district,
            id,
            [column]: input.subject,
            tag: input.tag,
            started_on: startedOn,
            set_by: actor.id,
            scope_path: subject.scopePath
          })
          .execute()
      )
      yield* Events.append({
        type: "registry.tag-added",
        district: input.district,
        scopePath: subject.scopePath,
        subject: input.subject,
        payload: { tag: input.tag, tagId: id, startedOn }
      })
      return { id }
    })
})

export const endTag = command({
  input: Schema.Struct({
    district: DistrictCode,
    tag: TagCode,
    subject: Schema.UUID,
    endedOn: Schema.optional(IsoDate)
  }),
  load: (input) => subjectOf(input.district, input.tag, input.subject),
  target: (input, subject) => ({
    district: input.district,
    scopePath: subject.scopePath,
    ...(subject.resident === undefined ? {} : { resident: subject.resident })
  }),
  run: (input, subject) =>
    Effect.gen(function* () {
      const { table, column } = tagTable(input.tag)
      const actor = yield* CurrentActor
      const endedOn = input.endedOn ?? (yield* todayInChina)
      const result = yield* Db.use((db) =>
        db
          .updateTable(table)
          .set({ ended_on: endedOn, ended_by: actor.id })
          .where("district_code", "=", input.district)
          .where(column, "=", input.subject)
          .where("tag", "=", input.tag)
          .where("ended_on", "is", null)
          .executeTakeFirst()
      )
      if (Number(result.numUpdatedRows) === 0) {
        return yield* refused(
          "REGISTRY.TAG_NOT_OPEN",
          { "zh-CN": "该标签当前未设置", en: "The tag is not set" },
          input.subject
        )
      }
      yield* Events.append({
        type: "registry.tag-ended",
        district: input.district,
        scopePath: subject.scopePath,
        subject: input.subject,
        payload: { tag: input.tag, endedOn }
      })
    })
})
