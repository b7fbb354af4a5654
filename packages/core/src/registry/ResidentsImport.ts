/**
 * The residents import: a district's base record of who lives where, from a
 * household ledger of up to millions of rows. Each row is checked as it streams
 * in, sealed (numbers hashed and encrypted) and staged; the rules across rows
 * (the same number twice, one head per household) then run as SQL over the
 * whole batch, and the rows that pass become dwellings, households, residents,
 * residences and tags in a few set-wise statements, all in one transaction.
 *
 * @since 0.2.0
 */
import { Effect, Either, Schema } from "effect"
import { type RawBuilder, sql } from "kysely"
import { CurrentActor, scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem, Text } from "../Errors.js"
import * as Ids from "../Ids.js"
import { type ImportBatch, importer, problemAt, refuseRow, type RowProblem } from "../Plugin.js"
import type { ColumnSpec } from "./Csv.js"
import { checkDocument, type DocumentType } from "./IdentityDocument.js"
import * as Keys from "./Keys.js"
import { todayInChina } from "./Places.js"
import type { SecretsService } from "./Secrets.js"
import { HEAD_OF_HOUSEHOLD, parseDocumentType, parseRelation, parseTag, splitTags, tags } from "./Vocabulary.js"

/**
 * The columns of a residents file, with the zh-CN headers of the template.
 * A file names its documents either by `id_number` (resident ID cards) or by
 * `document_type` and `document_number`.
 *
 * @since 0.2.0
 */
export const residentColumns: ReadonlyArray<ColumnSpec> = [
  { name: "id_number", aliases: ["身份证号", "身份证号码", "公民身份号码"], required: false },
  { name: "document_type", aliases: ["证件类型"], required: false },
  { name: "document_number", aliases: ["证件号码"], required: false },
  { name: "name", aliases: ["姓名"], required: true },
  { name: "phone", aliases: ["手机号", "手机号码", "联系电话"], required: false },
  { name: "compound", aliases: ["小区"], required: true },
  { name: "building", aliases: ["楼栋", "楼号"], required: true },
  { name: "unit", aliases: ["单元"], required: false },
  { name: "flat", aliases: ["房号", "门牌号"], required: true },
  { name: "household", aliases: ["户号"], required: true },
  { name: "relation", aliases: ["与户主关系"], required: true },
  { name: "tags", aliases: ["标签"], required: false },
  { name: "moved_in", aliases: ["入住日期"], required: false }
]

const Cell = Schema.optional(Schema.String)

/** One row of a residents file as it was written: every cell text, checked by the import. @since 0.2.0 */
export const ResidentRow = Schema.Struct({
  id_number: Cell,
  document_type: Cell,
  document_number: Cell,
  name: Cell,
  phone: Cell,
  compound: Cell,
  building: Cell,
  unit: Cell,
  flat: Cell,
  household: Cell,
  relation: Cell,
  tags: Cell,
  moved_in: Cell
})

/** @since 0.2.0 */
export type ResidentRow = typeof ResidentRow.Type

/**
 * The codes of the import's own refusals (a document number's refusals keep
 * their `REGISTRY.ID_*` codes).
 *
 * @since 0.2.0
 */
export const ResidentsImportCode = {
  Required: "REGISTRY.REQUIRED",
  DocumentType: "REGISTRY.DOCUMENT_TYPE",
  Phone: "REGISTRY.PHONE",
  UnknownCompound: "REGISTRY.UNKNOWN_COMPOUND",
  UnknownBuilding: "REGISTRY.UNKNOWN_BUILDING",
  Relation: "REGISTRY.RELATION",
  Tag: "REGISTRY.TAG",
  Date: "REGISTRY.DATE",
  HouseholdElsewhere: "REGISTRY.HOUSEHOLD_ELSEWHERE",
  DuplicateInFile: "REGISTRY.DOCUMENT_DUPLICATE_IN_FILE",
  Registered: "REGISTRY.DOCUMENT_REGISTERED",
  NoHead: "REGISTRY.HOUSEHOLD_WITHOUT_HEAD",
  HeadRefused: "REGISTRY.HEAD_REFUSED",
  SecondHead: "REGISTRY.SECOND_HEAD"
} as const

const Meta = Schema.Struct({ district: DistrictCode })

interface Building {
  readonly id: string
  /** A short key for the look-up maps: a million rows of uuids would double them. */
  readonly index: number
  readonly scopePath: string
}

interface Household {
  readonly id: string
  readonly dwelling: string
  readonly heads: number
  readonly isNew: boolean
}

/** What the rows are checked against: loaded once, then grown as the file names new flats and households. */
export interface ResidentsImportContext {
  readonly batch: string
  readonly keys: SecretsService
  readonly today: string
  readonly todayDate: Date
  readonly nextId: () => string
  readonly buildings: ReadonlyMap<string, Building>
  readonly compounds: ReadonlySet<string>
  readonly dwellings: Map<string, { readonly id: string; readonly isNew: boolean }>
  readonly households: Map<string, Household>
  /** The file names documents by type and number, not by `id_number`: problems name that column. */
  documentColumn: "id_number" | "document_number"
  /** Households whose head's row was refused before staging, with that row's line. */
  readonly refusedHeads: Map<string, number>
}

const key = (...parts: ReadonlyArray<string | number>) => parts.join("\u0000")

const prepare = (meta: typeof Meta.Type, batch: string) =>
  Effect.gen(function* () {
    const keys = yield* Keys.secrets
    const today = yield* todayInChina
    const ids = yield* Ids.Ids
    const district = meta.district
    const buildingRows = (yield* Db.use((db) =>
      db
        .selectFrom("registry_building as b")
        .innerJoin("registry_compound as c", (join) =>
          join.onRef("c.district_code", "=", "b.district_code").onRef("c.id", "=", "b.compound_id")
        )
        .select(["b.id", "b.name", "b.scope_path", "c.name as compound"])
        .where("b.district_code", "=", district)
        .execute()
    )) as ReadonlyArray<{ id: string; name: string; scope_path: string; compound: string }>
    const buildings = new Map<string, Building>()
    const byId = new Map<string, Building>()
    buildingRows.forEach((row, index) => {
      const building = { id: String(row.id), index, scopePath: row.scope_path }
      buildings.set(key(row.compound, row.name), building)
      byId.set(building.id, building)
    })
    const dwellingRows = (yield* Db.use((db) =>
      db
        .selectFrom("registry_dwelling")
        .select(["id", "building_id", "unit", "flat"])
        .where("district_code", "=", district)
        .execute()
    )) as ReadonlyArray<{ id: string; building_id: string; unit: string; flat: string }>
    const dwellings = new Map<string, { readonly id: string; readonly isNew: boolean }>()
    for (const row of dwellingRows) {
      const building = byId.get(String(row.building_id))
      if (building !== undefined)
        dwellings.set(key(building.index, row.unit, row.flat), { id: String(row.id), isNew: false })
    }
    const householdRows = (yield* Db.use((db) =>
      db
        .selectFrom("registry_household as h")
        .leftJoin("registry_person as p", (join) =>
          join
            .onRef("p.district_code", "=", "h.district_code")
            .onRef("p.household_id", "=", "h.id")
            .on("p.relation", "=", HEAD_OF_HOUSEHOLD)
            .on("p.died_on", "is", null)
        )
        .select(["h.id", "h.number", "h.dwelling_id", (eb) => eb.fn.count("p.id").as("heads")])
        .where("h.district_code", "=", district)
        .where("h.number", "is not", null)
        .where("h.dissolved_on", "is", null)
        .groupBy(["h.id", "h.number", "h.dwelling_id"])
        .execute()
    )) as ReadonlyArray<{ id: string; number: string; dwelling_id: string | null; heads: number | string | bigint }>
    const households = new Map<string, Household>()
    for (const row of householdRows) {
      households.set(row.number, {
        id: String(row.id),
        dwelling: String(row.dwelling_id),
        heads: Number(row.heads),
        isNew: false
      })
    }
    return {
      batch,
      keys,
      today,
      todayDate: new Date(`${today}T12:00:00+08:00`),
      nextId: ids.next,
      buildings,
      compounds: new Set(buildingRows.map((row) => row.compound)),
      dwellings,
      households,
      documentColumn: "id_number",
      refusedHeads: new Map()
    } satisfies ResidentsImportContext as ResidentsImportContext
  })

const required: Text = { "zh-CN": "缺少必填项", en: "is required" }

const problem = (column: string, code: string, text: Text): RowProblem => ({ column, code, ...text })

const tagOrder = new Map(tags.map((tag, index) => [tag.code, index]))

const isDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

const toRow = (row: ResidentRow, meta: typeof Meta.Type, id: string, context: ResidentsImportContext, line: number) => {
  const problems: Array<RowProblem> = []
  const cell = (value: string | undefined) => (value === undefined ? "" : value.trim())

  // The document: by `id_number`, or by `document_type` and `document_number`.
  let type: DocumentType | undefined = "resident_id_card"
  let column: "id_number" | "document_number" = "id_number"
  let number = cell(row.id_number)
  if (cell(row.document_type) !== "" || (number === "" && cell(row.document_number) !== "")) {
    column = "document_number"
    context.documentColumn = "document_number"
    number = cell(row.document_number)
    type = parseDocumentType(cell(row.document_type) || "resident_id_card")
    if (type === undefined) {
      problems.push(
        problem("document_type", ResidentsImportCode.DocumentType, {
          "zh-CN": "证件类型应为居民身份证、外国人永久居留身份证、护照、港澳台居民通行证或居住证、无证件之一",
          en: "A document type is a resident ID card, a foreigners' permanent residence ID card, a passport, a Hong Kong/Macao/Taiwan pass, or none"
        })
      )
    }
  }
  const document = type === undefined ? undefined : checkDocument(type, number, context.todayDate)
  if (document !== undefined && Either.isLeft(document)) {
    const { code, ...text } = document.left
    problems.push(problem(column, code, text))
  }

  const name = cell(row.name)
  if (name === "") problems.push(problem("name", ResidentsImportCode.Required, required))

  const phone = cell(row.phone)
  if (phone !== "" && !/^\d{7,15}$/.test(Keys.normalisePhone(phone))) {
    problems.push(
      problem("phone", ResidentsImportCode.Phone, {
        "zh-CN": "手机号应为 7 至 15 位数字",
        en: "A phone number has 7 to 15 digits"
      })
    )
  }

  const compound = cell(row.compound)
  const buildingName = cell(row.building)
  let building: Building | undefined
  if (compound === "") problems.push(problem("compound", ResidentsImportCode.Required, required))
  else if (buildingName === "") problems.push(problem("building", ResidentsImportCode.Required, required))
  else if (!context.compounds.has(compound)) {
    problems.push(
      problem("compound", ResidentsImportCode.UnknownCompound, {
        "zh-CN": `登记中没有小区“${compound}”：请先导入楼栋`,
        en: `The registry has no compound “${compound}”: import its buildings first`
      })
    )
  } else {
    building = context.buildings.get(key(compound, buildingName))
    if (building === undefined) {
      problems.push(
        problem("building", ResidentsImportCode.UnknownBuilding, {
          "zh-CN": `小区“${compound}”没有楼栋“${buildingName}”：请先导入楼栋`,
          en: `Compound “${compound}” has no building “${buildingName}”: import it first`
        })
      )
    }
  }
  const unit = cell(row.unit)
  const flat = cell(row.flat)
  if (flat === "") problems.push(problem("flat", ResidentsImportCode.Required, required))
  const householdNumber = cell(row.household)
  if (householdNumber === "") problems.push(problem("household", ResidentsImportCode.Required, required))

  const relationCell = cell(row.relation)
  const relation = relationCell === "" ? undefined : parseRelation(relationCell)
  if (relationCell === "") problems.push(problem("relation", ResidentsImportCode.Required, required))
  else if (relation === undefined) {
    problems.push(
      problem("relation", ResidentsImportCode.Relation, {
        "zh-CN": "与户主关系应为 GB/T 4761 代码或其中文称谓（如 户主、配偶、长子）",
        en: "A relation is a GB/T 4761 code or its zh-CN word (户主, 配偶, 长子…)"
      })
    )
  }

  const tagCodes = new Set<string>()
  for (const piece of splitTags(cell(row.tags))) {
    const tag = parseTag(piece)
    if (tag === undefined) {
      problems.push(
        problem("tags", ResidentsImportCode.Tag, {
          "zh-CN": `未知的标签“${piece}”`,
          en: `Unknown tag “${piece}”`
        })
      )
    } else tagCodes.add(tag)
  }

  const movedIn = cell(row.moved_in)
  if (movedIn !== "" && !isDate(movedIn)) {
    problems.push(
      problem("moved_in", ResidentsImportCode.Date, {
        "zh-CN": "入住日期应为 YYYY-MM-DD 格式的真实日期",
        en: "A move-in date is a real date written YYYY-MM-DD"
      })
    )
  }

  if (problems.length > 0 && relation === HEAD_OF_HOUSEHOLD && householdNumber !== "") {
    if (!context.refusedHeads.has(householdNumber)) context.refusedHeads.set(householdNumber, line)
  }
  if (
    problems.length > 0 ||
    building === undefined ||
    relation === undefined ||
    type === undefined ||
    document === undefined ||
    Either.isLeft(document)
  ) {
    return refuseRow(problems)
  }
  const checked = document.right

  // A flat is created on first mention; a household lives in one flat.
  const dwellingKey = key(building.index, unit, flat)
  let dwelling = context.dwellings.get(dwellingKey)
  if (dwelling === undefined) {
    dwelling = { id: context.nextId(), isNew: true }
    context.dwellings.set(dwellingKey, dwelling)
  }
  let household = context.households.get(householdNumber)
  if (household !== undefined && household.dwelling !== dwelling.id) {
    if (relation === HEAD_OF_HOUSEHOLD && !context.refusedHeads.has(householdNumber)) {
      context.refusedHeads.set(householdNumber, line)
    }
    return refuseRow([
      problem("flat", ResidentsImportCode.HouseholdElsewhere, {
        "zh-CN": `户 ${householdNumber} 住在另一套房屋`,
        en: `Household ${householdNumber} lives in another dwelling`
      })
    ])
  }
  if (household === undefined) {
    household = { id: context.nextId(), dwelling: dwelling.id, heads: 0, isNew: true }
    context.households.set(householdNumber, household)
  }

  const keys = context.keys
  const documentNumber = checked.number
  return [
    meta.district,
    context.batch,
    id,
    line,
    context.nextId(),
    context.nextId(),
    name,
    type,
    documentNumber === undefined ? null : Keys.documentHash(keys, type, documentNumber),
    documentNumber === undefined ? null : keys.encrypt(documentNumber),
    checked.birthDate ?? null,
    checked.sex ?? null,
    phone === "" ? null : Keys.phoneHash(keys, phone),
    phone === "" ? null : keys.encrypt(Keys.normalisePhone(phone)),
    building.id,
    dwelling.id,
    dwelling.isNew ? 1 : 0,
    unit,
    flat,
    household.id,
    household.isNew ? 1 : 0,
    householdNumber,
    household.heads,
    relation,
    relation === HEAD_OF_HOUSEHOLD ? 1 : 0,
    tagCodes.size === 0
      ? ""
      : `;${[...tagCodes].sort((a, b) => tagOrder.get(a as never)! - tagOrder.get(b as never)!).join(";")};`,
    movedIn === "" ? context.today : movedIn,
    building.scopePath,
    0
  ]
}

const COLUMNS = [
  "district_code",
  "batch_id",
  "person_id",
  "line",
  "residence_id",
  "tag_base",
  "name",
  "document_type",
  "document_hash",
  "document_cipher",
  "birth_date",
  "sex",
  "phone_hash",
  "phone_cipher",
  "building_id",
  "dwelling_id",
  "dwelling_new",
  "unit",
  "flat",
  "household_id",
  "household_new",
  "household",
  "heads_before",
  "relation",
  "is_head",
  "tags",
  "moved_in_on",
  "scope_path",
  "refused"
] as const

type Batch = ImportBatch<typeof Meta.Type, ResidentsImportContext>

/** The staged rows of this batch, as a SQL condition on alias `s`. */
const inBatch = (batch: Batch) => sql`s.district_code = ${batch.meta.district} and s.batch_id = ${batch.id}`

const rowsOf = <A>(query: ReturnType<typeof sql<A>>) => Db.use((db) => query.execute(db).then((result) => result.rows))

const CHUNK = 500

const chunks = <A>(items: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK))

const markRefused = (batch: Batch, lines: ReadonlyArray<number>) =>
  Effect.forEach(
    chunks(lines),
    (chunk) =>
      Db.use((db) =>
        db
          .updateTable("registry_import_row")
          .set({ refused: 1 })
          .where("district_code", "=", batch.meta.district)
          .where("batch_id", "=", batch.id)
          .where("line", "in", chunk)
          .execute()
      ),
    { discard: true }
  )

/** The rules across rows: a number twice in the file or already registered, and one head per household. */
const check = (batch: Batch) =>
  Effect.gen(function* () {
    const column = batch.context.documentColumn
    const problems: Array<Problem> = []
    const duplicates = yield* rowsOf<{ line: number; first: number }>(sql`
      select s.line as line, f.first as first from registry_import_row s
      join (
        select document_hash, min(line) as first from registry_import_row s
        where ${inBatch(batch)} and s.document_hash is not null
        group by document_hash having count(*) > 1
      ) f on f.document_hash = s.document_hash
      where ${inBatch(batch)} and s.line > f.first`)
    for (const { line, first } of duplicates) {
      problems.push(
        problemAt(Number(line), column, ResidentsImportCode.DuplicateInFile, {
          "zh-CN": `证件号码与第 ${first} 行重复`,
          en: `The same document number as line ${first}`
        })
      )
    }
    const registered = yield* rowsOf<{ line: number }>(sql`
      select s.line as line from registry_import_row s
      join registry_person p on p.district_code = s.district_code and p.document_hash = s.document_hash
      where ${inBatch(batch)}`)
    for (const { line } of registered) {
      problems.push(
        problemAt(Number(line), column, ResidentsImportCode.Registered, {
          "zh-CN": "该证件号码已登记",
          en: "This document number is already registered"
        })
      )
    }
    yield* markRefused(
      batch,
      [...duplicates, ...registered].map((row) => Number(row.line))
    )

    // Heads are counted over the rows still standing. A household whose head's
    // row was refused is not itself wrong: its members are refused only when the
    // good rows are imported without it, and then they name the head's line.
    const households = yield* rowsOf<{ household_id: string }>(sql`
      select s.household_id as household_id from registry_import_row s
      where ${inBatch(batch)}
      group by s.household_id
      having max(s.heads_before) + sum(case when s.refused = 0 then s.is_head else 0 end) <> 1`)
    const headRules: Array<number> = []
    for (const chunk of chunks(households.map((row) => row.household_id))) {
      const rows = yield* rowsOf<{
        line: number
        household: string
        is_head: number
        heads_before: number
        refused: number
      }>(sql`
        select s.line as line, s.household as household, s.is_head as is_head, s.heads_before as heads_before,
          s.refused as refused
        from registry_import_row s
        where ${inBatch(batch)} and s.household_id in (${sql.join(chunk)})
        order by s.line`)
      const seen = new Map<
        string,
        { heads: number; refusedHead?: number; rows: Array<{ line: number; isHead: boolean }> }
      >()
      for (const row of rows) {
        const entry = seen.get(row.household) ?? {
          heads: Number(row.heads_before),
          ...(batch.context.refusedHeads.has(row.household)
            ? { refusedHead: batch.context.refusedHeads.get(row.household)! }
            : {}),
          rows: []
        }
        const isHead = Number(row.is_head) === 1
        if (Number(row.refused) === 1) {
          if (isHead) entry.refusedHead = Math.min(entry.refusedHead ?? Number(row.line), Number(row.line))
        } else entry.rows.push({ line: Number(row.line), isHead })
        seen.set(row.household, entry)
      }
      for (const [number, entry] of seen) {
        const headless = entry.heads === 0 && !entry.rows.some((row) => row.isHead)
        let heads = entry.heads
        for (const row of entry.rows) {
          if (headless && entry.refusedHead !== undefined) {
            if (!batch.goodRowsOnly) continue
            problems.push(
              problemAt(row.line, "relation", ResidentsImportCode.HeadRefused, {
                "zh-CN": `户 ${number} 的户主（第 ${entry.refusedHead} 行）未通过检查，本户暂不导入`,
                en: `The head of household ${number} (line ${entry.refusedHead}) was refused, so the household waits`
              })
            )
            headRules.push(row.line)
          } else if (headless) {
            problems.push(
              problemAt(row.line, "relation", ResidentsImportCode.NoHead, {
                "zh-CN": `户 ${number} 没有户主`,
                en: `Household ${number} has no head`
              })
            )
            headRules.push(row.line)
          } else if (row.isHead && heads++ > 0) {
            problems.push(
              problemAt(row.line, "relation", ResidentsImportCode.SecondHead, {
                "zh-CN": `户 ${number} 已有户主`,
                en: `Household ${number} already has a head`
              })
            )
            headRules.push(row.line)
          }
        }
      }
    }
    yield* markRefused(batch, headRules)
    return problems
  })

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n)

const run = (query: ReturnType<typeof sql>) => Db.use((db) => query.execute(db).then(affected))

/** The rows that passed become dwellings, households, residents, residences and tags; the batch is cleared. */
const settle = (batch: Batch) =>
  Effect.gen(function* () {
    const { dialect } = yield* Db.Db
    const actor = yield* CurrentActor
    const where = sql`${inBatch(batch)} and s.refused = 0`
    const dwellings = yield* run(sql`
      insert into registry_dwelling (district_code, id, building_id, unit, flat, occupancy, scope_path)
      select distinct s.district_code, s.dwelling_id, s.building_id, s.unit, s.flat, null, s.scope_path
      from registry_import_row s where ${where} and s.dwelling_new = 1`)
    const households = yield* run(sql`
      insert into registry_household (district_code, id, number, dwelling_id, formed_on, scope_path, batch_id)
      select s.district_code, s.household_id, min(s.household), s.dwelling_id, min(s.moved_in_on), s.scope_path, s.batch_id
      from registry_import_row s where ${where} and s.household_new = 1
      group by s.district_code, s.household_id, s.dwelling_id, s.scope_path, s.batch_id`)
    const residents = yield* run(sql`
      insert into registry_person (district_code, id, name, document_type, document_hash, document_cipher,
        birth_date, sex, phone_hash, phone_cipher, household_id, relation, building_id, moved_in_on, scope_path, batch_id)
      select s.district_code, s.person_id, s.name, s.document_type, s.document_hash, s.document_cipher,
        s.birth_date, s.sex, s.phone_hash, s.phone_cipher, s.household_id, s.relation, s.building_id, s.moved_in_on,
        s.scope_path, s.batch_id
      from registry_import_row s where ${where}`)
    yield* run(sql`
      insert into registry_residence (district_code, id, person_id, household_id, dwelling_id, relation,
        valid_from, reason, scope_path)
      select s.district_code, s.residence_id, s.person_id, s.household_id, s.dwelling_id, s.relation,
        s.moved_in_on, 'moved_in', s.scope_path
      from registry_import_row s where ${where}`)
    // One id per (row, tag): the row's tag base with the tag's number as its last byte. Still a UUID.
    const tagId = (suffix: string, base: RawBuilder<unknown>) =>
      dialect === "postgres"
        ? sql`cast(substr(${base}, 1, 34) || ${suffix} as uuid)`
        : sql`substr(${base}, 1, 34) || ${suffix}`
    const text = (column: RawBuilder<unknown>) => (dialect === "postgres" ? sql`cast(${column} as text)` : column)
    const counts: Record<string, number> = {}
    for (const [index, tag] of tags.entries()) {
      const suffix = index.toString(16).padStart(2, "0")
      const tagged = sql`${where} and s.tags > '' and s.tags like ${`%;${tag.code};%`}`
      const written =
        tag.appliesTo === "resident"
          ? yield* run(sql`
              insert into registry_resident_tag (district_code, id, person_id, tag, started_on, set_by, batch_id, scope_path)
              select s.district_code, ${tagId(suffix, text(sql`s.tag_base`))}, s.person_id, ${tag.code}, ${batch.context.today}, ${actor.id},
                s.batch_id, s.scope_path
              from registry_import_row s where ${tagged}`)
          : yield* run(sql`
              insert into registry_household_tag (district_code, id, household_id, tag, started_on, set_by, batch_id, scope_path)
              select s.district_code, ${tagId(suffix, sql`min(${text(sql`s.tag_base`)})`)},
                s.household_id, ${tag.code}, ${batch.context.today}, ${actor.id}, s.batch_id, s.scope_path
              from registry_import_row s where ${tagged}
              group by s.district_code, s.household_id, s.batch_id, s.scope_path`)
      if (written > 0) counts[tag.code] = written
    }
    yield* run(
      sql`delete from registry_import_row where district_code = ${batch.meta.district} and batch_id = ${batch.id}`
    )
    return {
      written: residents,
      counts: { residents, households, dwellings, ...counts },
      payload: { tags: counts }
    }
  })

/**
 * The residents import: `kernel.import(Registry.imports.residents({ district }, rows), actor)`,
 * where `rows` are {@link ResidentRow}s or the records `Csv.readCsv(file, { columns: residentColumns })`
 * yields. Every bad row is listed with its line, column and code; nothing is
 * written when any row is bad unless `goodRowsOnly` is set. One event,
 * `registry.residents-imported`, carries the batch id and the count of each
 * tag: a plugin reads the tagged residents by `batch_id`.
 *
 * @since 0.2.0
 */
export const residents = importer({
  meta: Meta,
  row: ResidentRow,
  target: (meta) => ({ district: meta.district, scopePath: scopePath(meta.district) }),
  table: "registry_import_row",
  columns: COLUMNS,
  prepare,
  toRow,
  check,
  settle,
  event: "registry.residents-imported"
})
