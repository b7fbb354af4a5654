/**
 * People: residents, who live in a household in a dwelling of the district, and
 * the staff, officials and deputies recorded without one. A resident's grid is
 * never typed: it follows from the building they live in.
 *
 * @since 0.2.0
 */
import { Effect, ParseResult, Schema } from "effect"
import { scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { Document } from "./IdentityDocument.js"
import * as Keys from "./Keys.js"
import { compoundId, dwellingId, IsoDate, todayInChina } from "./Places.js"
import { refused } from "./Refused.js"
import { HEAD_OF_HOUSEHOLD, parseRelation } from "./Vocabulary.js"

const Name = Schema.NonEmptyTrimmedString

/** A relation to the head of household: a GB/T 4761 code or its zh-CN word, decoded to the code. @since 0.2.0 */
export const Relation = Schema.transformOrFail(
  Schema.String,
  Schema.String.pipe(
    Problems.explain({
      code: "REGISTRY.RELATION",
      "zh-CN": "与户主关系应为 GB/T 4761 代码或其中文称谓（如 户主、配偶、长子）",
      en: "A relation is a GB/T 4761 code or its zh-CN word (户主, 配偶, 长子…)"
    })
  ),
  {
    strict: true,
    decode: (raw, _options, ast) => {
      const code = parseRelation(raw)
      return code === undefined ? ParseResult.fail(new ParseResult.Type(ast.to, raw)) : ParseResult.succeed(code)
    },
    encode: ParseResult.succeed
  }
)

/** A phone number: 7 to 15 digits once spaces, dashes and `+86` are dropped. @since 0.2.0 */
export const Phone = Schema.String.pipe(
  Schema.filter((raw) => /^\d{7,15}$/.test(Keys.normalisePhone(raw))),
  Problems.explain({
    code: "REGISTRY.PHONE",
    "zh-CN": "手机号应为 7 至 15 位数字",
    en: "A phone number has 7 to 15 digits"
  })
)

/** Where a resident lives: a flat of a building of a compound. @since 0.2.0 */
export const Address = Schema.Struct({
  compound: Name,
  building: Name,
  unit: Schema.optionalWith(Schema.String, { default: () => "" }),
  flat: Name
})

const notFound = (entity: string, id: string) => new NotFound({ code: CoreCode.NotFound, entity, id })

/** A building of a compound, with its grid's path. @since 0.2.0 */
export const buildingAt = (district: string, compound: string, building: string) =>
  Effect.gen(function* () {
    const compoundRow = yield* compoundId(district, compound, false)
    const row = yield* Db.use((db) =>
      db
        .selectFrom("registry_building")
        .select(["id", "scope_path"])
        .where("district_code", "=", district)
        .where("compound_id", "=", compoundRow)
        .where("name", "=", building)
        .executeTakeFirst()
    )
    if (row === undefined) return yield* notFound("building", `${compound} ${building}`)
    return row as { id: string; scope_path: string }
  })

const duplicate = (subject: string) =>
  refused(
    "REGISTRY.DOCUMENT_REGISTERED",
    { "zh-CN": "该证件号码已登记", en: "This document number is already registered" },
    subject
  )

/** The sealed form of a person's document and phone. @since 0.2.0 */
export const seal = (district: string, document: Document, phone: string | undefined) =>
  Effect.gen(function* () {
    const keys = yield* Keys.secrets
    const number = "number" in document ? document.number : undefined
    const hash = number === undefined ? null : Keys.documentHash(keys, document.type, number)
    if (hash !== null) {
      const existing = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select("id")
          .where("district_code", "=", district)
          .where("document_hash", "=", hash)
          .executeTakeFirst()
      )
      if (existing !== undefined) return yield* duplicate(String(existing.id))
    }
    return {
      document_type: document.type,
      document_hash: hash,
      document_cipher: number === undefined ? null : keys.encrypt(number),
      birth_date: "birthDate" in document ? (document.birthDate ?? null) : null,
      sex: "sex" in document ? (document.sex ?? null) : null,
      phone_hash: phone === undefined ? null : Keys.phoneHash(keys, phone),
      phone_cipher: phone === undefined ? null : keys.encrypt(Keys.normalisePhone(phone))
    }
  })

/** Writes a new household formed on `on` in a dwelling; shared by registration and the moves. @since 0.2.0 */
export const insertHousehold = (
  district: string,
  number: string | undefined,
  dwelling: string,
  path: string,
  on: string
) =>
  Effect.gen(function* () {
    const id = yield* Ids.next
    yield* Db.use((db) =>
      db
        .insertInto("registry_household")
        .values({
          district_code: district,
          id,
          number: number ?? null,
          dwelling_id: dwelling,
          formed_on: on,
          scope_path: path
        })
        .execute()
    )
    return id
  })

/** The household with this number, created in `dwelling` if it is new. @since 0.2.0 */
const householdFor = (district: string, number: string | undefined, dwelling: string, path: string, on: string) =>
  Effect.gen(function* () {
    if (number !== undefined) {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("registry_household")
          .select(["id", "dwelling_id"])
          .where("district_code", "=", district)
          .where("number", "=", number)
          .executeTakeFirst()
      )
      if (row !== undefined) {
        if (row.dwelling_id !== dwelling) {
          return yield* refused(
            "REGISTRY.HOUSEHOLD_ELSEWHERE",
            { "zh-CN": `户 ${number} 住在另一套房屋`, en: `Household ${number} lives in another dwelling` },
            String(row.id)
          )
        }
        return { id: String(row.id), created: false }
      }
    }
    return { id: yield* insertHousehold(district, number, dwelling, path, on), created: true }
  })

export const registerResident = command({
  input: Schema.Struct({
    district: DistrictCode,
    document: Document,
    name: Name,
    phone: Schema.optional(Phone),
    hukou: Schema.optional(Schema.String),
    address: Address,
    household: Schema.optional(Name),
    relation: Relation,
    movedIn: Schema.optional(IsoDate),
    reason: Schema.optionalWith(Schema.Literal("moved_in", "birth"), { default: () => "moved_in" as const })
  }),
  load: (input) => buildingAt(input.district, input.address.compound, input.address.building),
  target: (input, building) => ({ district: input.district, scopePath: building.scope_path }),
  run: (input, building) =>
    Effect.gen(function* () {
      const on = input.movedIn ?? (yield* todayInChina)
      const sealed = yield* seal(input.district, input.document, input.phone)
      const dwelling = yield* dwellingId(input.district, building, input.address.unit, input.address.flat)
      const household = yield* householdFor(input.district, input.household, dwelling, building.scope_path, on)
      if (input.relation === HEAD_OF_HOUSEHOLD && !household.created) {
        const head = yield* Db.use((db) =>
          db
            .selectFrom("registry_person")
            .select("id")
            .where("district_code", "=", input.district)
            .where("household_id", "=", household.id)
            .where("relation", "=", HEAD_OF_HOUSEHOLD)
            .executeTakeFirst()
        )
        if (head !== undefined) {
          return yield* refused(
            "REGISTRY.SECOND_HEAD",
            { "zh-CN": "该户已有户主", en: "The household already has a head" },
            household.id
          )
        }
      }
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("registry_person")
          .values({
            district_code: input.district,
            id,
            name: input.name,
            ...sealed,
            hukou: input.hukou ?? null,
            household_id: household.id,
            relation: input.relation,
            building_id: building.id,
            moved_in_on: on,
            scope_path: building.scope_path
          })
          .execute()
      )
      const residence = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("registry_residence")
          .values({
            district_code: input.district,
            id: residence,
            person_id: id,
            household_id: household.id,
            dwelling_id: dwelling,
            relation: input.relation,
            valid_from: on,
            reason: input.reason,
            scope_path: building.scope_path
          })
          .execute()
      )
      yield* Events.append({
        type: input.reason === "birth" ? "registry.resident-born" : "registry.resident-moved-in",
        district: input.district,
        scopePath: building.scope_path,
        subject: id,
        payload: { household: household.id, dwelling, on }
      })
      return { id, household: household.id, dwelling }
    })
})

export const registerPerson = command({
  input: Schema.Struct({
    district: DistrictCode,
    document: Document,
    name: Name,
    phone: Schema.optional(Phone),
    hukou: Schema.optional(Schema.String)
  }),
  target: (input) => ({ district: input.district, scopePath: scopePath(input.district) }),
  run: (input) =>
    Effect.gen(function* () {
      const sealed = yield* seal(input.district, input.document, input.phone)
      const id = yield* Ids.next
      const path = scopePath(input.district)
      yield* Db.use((db) =>
        db
          .insertInto("registry_person")
          .values({
            district_code: input.district,
            id,
            name: input.name,
            ...sealed,
            hukou: input.hukou ?? null,
            scope_path: path
          })
          .execute()
      )
      yield* Events.append({
        type: "registry.person-registered",
        district: input.district,
        scopePath: path,
        subject: id
      })
      return { id }
    })
})
