/**
 * The residents import: a district's base record of who lives where, from a
 * household ledger of up to millions of rows, in one transaction. Each row is
 * checked as it streams in, sealed (numbers hashed and encrypted) and written
 * once, straight into its tables: the resident, their residence and tags, and
 * the flat and household they are the first to name. The rules across rows
 * are kept as the rows go by, in compact structures (a number met before, a
 * household's head), so a million rows need neither a staging table nor the
 * whole file in memory; what can only be known at the end (a household that
 * never got a head) is settled then, and a file with any bad row leaves nothing.
 *
 * @since 0.2.0
 */
import { Effect, Either, Schema } from "effect"
import { CurrentActor, scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem, Text } from "../Errors.js"
import * as Ids from "../Ids.js"
import {
  type ImportBatch,
  importer,
  type ImportTable,
  problemAt,
  refuseRow,
  type RowProblem,
  rowsFor,
  type TableRow
} from "../Plugin.js"
import type { ColumnSpec } from "./Csv.js"
import { checkDocument, type DocumentType } from "./IdentityDocument.js"
import * as Keys from "./Keys.js"
import { todayInChina } from "./Places.js"
import type { SecretsService } from "./Secrets.js"
import { Dwellings, Households } from "./MetHouseholds.js"
import { prefixOf, SeenNumbers } from "./SeenNumbers.js"
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
  Collision: "REGISTRY.DOCUMENT_COLLISION",
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

/** A row whose number was met before (or is in the registry): written or refused once `check` has compared full hashes. */
interface Suspect {
  readonly line: number
  readonly hash: string
  readonly prefix: number
  /** The household's slot in {@link Households}; -1 when the row also broke a household rule, kept in `pending`. */
  readonly household: number
  readonly isHead: boolean
  /** The household rule the row breaks should its number prove new after all. */
  readonly pending?: RowProblem
  /** The row's own rows (resident, residence, tags), held back; absent past {@link HELD_SUSPECTS}. */
  readonly rows?: ReadonlyArray<TableRow>
}

/** What the rows are checked against: loaded once, then grown as the file names new flats and households. @since 0.2.0 */
export interface ResidentsImportContext {
  readonly batch: string
  readonly actor: string
  readonly keys: SecretsService
  readonly today: string
  readonly todayDate: Date
  readonly nextId: () => string
  readonly buildings: ReadonlyMap<string, Building>
  readonly compounds: ReadonlySet<string>
  readonly dwellings: Dwellings
  readonly households: Households
  readonly seen: SeenNumbers
  readonly suspects: Array<Suspect>
  /** Suspects confirmed by `check` as rows to write after all. */
  readonly cleared: Array<Suspect>
  /** Households (slots) `check` found without a head, whose members are removed when only good rows are imported. */
  readonly headless: Array<number>
  /** The file names documents by type and number, not by `id_number`: problems name that column. */
  documentColumn: "id_number" | "document_number"
  /** Households whose head's row was refused before its household was known, with that row's line. */
  readonly refusedHeads: Map<string, number>
}

/** Past this many suspects a file is mostly numbers met before: their rows are no longer held, only refused. */
const HELD_SUSPECTS = 10_000
const PAGE = 50_000

const key = (...parts: ReadonlyArray<string | number>) => parts.join("\u0000")

/** The registry's own numbers, a page at a time, so a district of a million is never read whole. */
const loadRegistered = (district: string, seen: SeenNumbers) =>
  Effect.gen(function* () {
    let after = ""
    for (;;) {
      const page = (yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select(["id", "document_hash"])
          .where("district_code", "=", district)
          .where("document_hash", "is not", null)
          .$if(after !== "", (q) => q.where("id", ">", after))
          .orderBy("id")
          .limit(PAGE)
          .execute()
      )) as ReadonlyArray<{ id: string; document_hash: string }>
      for (const row of page) seen.add(prefixOf(row.document_hash), 0)
      if (page.length < PAGE) return
      after = String(page[page.length - 1]!.id)
    }
  })

const prepare = (meta: typeof Meta.Type, batch: string) =>
  Effect.gen(function* () {
    const keys = yield* Keys.secrets
    const today = yield* todayInChina
    const ids = yield* Ids.Ids
    const actor = yield* CurrentActor
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
    const dwellings = new Dwellings()
    const dwellingSlots = new Map<string, number>()
    for (const row of dwellingRows) {
      const building = byId.get(String(row.building_id))
      if (building !== undefined) {
        dwellingSlots.set(String(row.id), dwellings.add(building.index, row.unit, row.flat, String(row.id), false))
      }
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
    )) as ReadonlyArray<{
      id: string
      number: string
      dwelling_id: string | null
      heads: number | string | bigint
    }>
    const households = new Households()
    for (const row of householdRows) {
      const dwelling = row.dwelling_id === null ? undefined : dwellingSlots.get(String(row.dwelling_id))
      households.add(row.number, String(row.id), dwelling ?? -1, Number(row.heads), false)
    }
    const seen = new SeenNumbers()
    yield* loadRegistered(district, seen)
    return {
      batch,
      actor: actor.id,
      keys,
      today,
      todayDate: new Date(`${today}T12:00:00+08:00`),
      nextId: ids.next,
      buildings,
      compounds: new Set(buildingRows.map((row) => row.compound)),
      dwellings,
      households,
      seen,
      suspects: [],
      cleared: [],
      headless: [],
      documentColumn: "id_number",
      refusedHeads: new Map()
    } satisfies ResidentsImportContext as ResidentsImportContext
  })

const required: Text = { "zh-CN": "缺少必填项", en: "is required" }

const problem = (column: string, code: string, text: Text): RowProblem => ({ column, code, ...text })

const tagFacts = new Map(tags.map((tag, bit) => [tag.code as string, { ...tag, bit }]))

const isDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

const PERSON = [
  "district_code",
  "id",
  "name",
  "document_type",
  "document_hash",
  "document_cipher",
  "birth_date",
  "sex",
  "phone_hash",
  "phone_cipher",
  "household_id",
  "relation",
  "building_id",
  "moved_in_on",
  "scope_path",
  "batch_id"
] as const

const TABLES: ReadonlyArray<ImportTable> = [
  {
    table: "registry_dwelling",
    columns: ["district_code", "id", "building_id", "unit", "flat", "scope_path"],
    parent: true
  },
  {
    table: "registry_household",
    columns: ["district_code", "id", "number", "dwelling_id", "formed_on", "scope_path", "batch_id"],
    parent: true
  },
  {
    table: "registry_residence",
    columns: [
      "district_code",
      "id",
      "person_id",
      "household_id",
      "dwelling_id",
      "relation",
      "valid_from",
      "reason",
      "scope_path"
    ]
  },
  {
    table: "registry_resident_tag",
    columns: ["district_code", "id", "person_id", "tag", "started_on", "set_by", "batch_id", "scope_path"]
  },
  {
    table: "registry_household_tag",
    columns: ["district_code", "id", "household_id", "tag", "started_on", "set_by", "batch_id", "scope_path"]
  }
]

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

  const movedInCell = cell(row.moved_in)
  if (movedInCell !== "" && !isDate(movedInCell)) {
    problems.push(
      problem("moved_in", ResidentsImportCode.Date, {
        "zh-CN": "入住日期应为 YYYY-MM-DD 格式的真实日期",
        en: "A move-in date is a real date written YYYY-MM-DD"
      })
    )
  }

  const isHead = relation === HEAD_OF_HOUSEHOLD
  const refuse = (all: ReadonlyArray<RowProblem>) => {
    if (isHead && householdNumber !== "") {
      const household = context.households.find(householdNumber)
      if (household !== -1) context.households.refuseHead(household, line)
      else if (!context.refusedHeads.has(householdNumber)) context.refusedHeads.set(householdNumber, line)
    }
    return refuseRow(all)
  }
  if (
    problems.length > 0 ||
    building === undefined ||
    relation === undefined ||
    type === undefined ||
    document === undefined ||
    Either.isLeft(document)
  ) {
    return refuse(problems)
  }
  const checked = document.right

  // A number met before (or in the registry) is only a suspicion until `check`
  // compares full hashes: its other rules wait for that verdict with it.
  const keys = context.keys
  const documentNumber = checked.number
  const hash = documentNumber === undefined ? null : Keys.documentHash(keys, type, documentNumber)
  const prefix = hash === null ? undefined : prefixOf(hash)
  const suspected = prefix !== undefined && context.seen.get(prefix) !== undefined

  // A household lives in one flat, and has one head: the first met.
  const households = context.households
  const knownDwelling = context.dwellings.find(building.index, unit, flat)
  let household = households.find(householdNumber)
  let pending: RowProblem | undefined
  if (household !== -1 && (households.dwelling(household) !== knownDwelling || knownDwelling === -1)) {
    pending = problem("flat", ResidentsImportCode.HouseholdElsewhere, {
      "zh-CN": `户 ${householdNumber} 住在另一套房屋`,
      en: `Household ${householdNumber} lives in another dwelling`
    })
    if (!suspected) return refuse([pending])
  } else if (isHead && household !== -1 && households.heads(household) > 0) {
    pending = problem("relation", ResidentsImportCode.SecondHead, {
      "zh-CN": `户 ${householdNumber} 已有户主`,
      en: `Household ${householdNumber} already has a head`
    })
    if (!suspected) return refuseRow([pending])
  }
  if (suspected && pending !== undefined) {
    context.suspects.push({ line, hash: hash!, prefix: prefix!, household: -1, isHead, pending })
    return null
  }

  const district = meta.district
  const movedIn = movedInCell === "" ? context.today : movedInCell
  const rows: Array<TableRow> = []
  let dwelling = knownDwelling
  let dwellingId: string
  if (dwelling === -1) {
    dwellingId = context.nextId()
    dwelling = context.dwellings.add(building.index, unit, flat, dwellingId, true)
    rows.push(["registry_dwelling", [district, dwellingId, building.id, unit, flat, building.scopePath]])
  } else dwellingId = context.dwellings.id(dwelling)
  let householdId: string
  if (household === -1) {
    householdId = context.nextId()
    household = households.add(householdNumber, householdId, dwelling, 0, true)
    const refusedHead = context.refusedHeads.get(householdNumber)
    if (refusedHead !== undefined) households.refuseHead(household, refusedHead)
    rows.push([
      "registry_household",
      [district, householdId, householdNumber, dwellingId, movedIn, building.scopePath, context.batch]
    ])
  } else householdId = households.id(household)

  const own: Array<TableRow> = [
    [
      "registry_person",
      [
        district,
        id,
        name,
        type,
        hash,
        documentNumber === undefined ? null : keys.encrypt(documentNumber),
        checked.birthDate ?? null,
        checked.sex ?? null,
        phone === "" ? null : Keys.phoneHash(keys, phone),
        phone === "" ? null : keys.encrypt(Keys.normalisePhone(phone)),
        householdId,
        relation,
        building.id,
        movedIn,
        building.scopePath,
        context.batch
      ]
    ],
    [
      "registry_residence",
      [district, context.nextId(), id, householdId, dwellingId, relation, movedIn, "moved_in", building.scopePath]
    ]
  ]
  for (const code of tagCodes) {
    const tag = tagFacts.get(code)!
    if (tag.appliesTo === "resident") {
      own.push([
        "registry_resident_tag",
        [district, context.nextId(), id, code, context.today, context.actor, context.batch, building.scopePath]
      ])
    } else if (households.tagOnce(household, tag.bit)) {
      own.push([
        "registry_household_tag",
        [district, context.nextId(), householdId, code, context.today, context.actor, context.batch, building.scopePath]
      ])
    }
  }

  if (suspected) {
    const held = context.suspects.length < HELD_SUSPECTS
    context.suspects.push({ line, hash: hash!, prefix: prefix!, household, isHead, ...(held ? { rows: own } : {}) })
    return rowsFor(rows)
  }
  if (prefix !== undefined) context.seen.add(prefix, line)
  if (isHead) households.addHead(household)
  else households.addMember(household, line)
  return rowsFor([...rows, ...own])
}

type Batch = ImportBatch<typeof Meta.Type, ResidentsImportContext>

const CHUNK = 500

function* chunks<A>(items: Iterable<A>): Generator<ReadonlyArray<A>> {
  let chunk: Array<A> = []
  for (const item of items) {
    chunk.push(item)
    if (chunk.length === CHUNK) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}

/**
 * The rules that need the whole file: a suspected number confirmed (or cleared)
 * against the stored full hashes, and a household that never got a head.
 */
const check = (batch: Batch) =>
  Effect.gen(function* () {
    const context = batch.context
    const column = context.documentColumn
    const problems: Array<Problem> = []
    const judgedNew = new Set<string>()
    for (const chunk of chunks(context.suspects)) {
      const found = (yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select(["document_hash", "batch_id"])
          .where("district_code", "=", batch.meta.district)
          .where(
            "document_hash",
            "in",
            chunk.map((s) => s.hash)
          )
          .execute()
      )) as ReadonlyArray<{ document_hash: string; batch_id: string | null }>
      const stored = new Map(found.map((row) => [row.document_hash, row.batch_id]))
      for (const suspect of chunk) {
        // A number is stored once: the first good row of this file, or a resident already registered.
        const batchOf = stored.get(suspect.hash)
        if (batchOf === undefined && !judgedNew.has(suspect.hash)) {
          // Two numbers shared a prefix: this one is new after all, and its other rules apply.
          judgedNew.add(suspect.hash)
          const household = suspect.household
          const breaks =
            suspect.pending ??
            (suspect.isHead && household !== -1 && context.households.heads(household) > 0
              ? problem("relation", ResidentsImportCode.SecondHead, {
                  "zh-CN": "该户已有户主",
                  en: "The household already has a head"
                })
              : undefined)
          if (breaks !== undefined) {
            const { column: at, code, ...text } = breaks
            problems.push(problemAt(suspect.line, at, code, text))
          } else if (suspect.rows === undefined || household === -1) {
            problems.push(
              problemAt(suspect.line, column, ResidentsImportCode.Collision, {
                "zh-CN": "该行未能与文件中的其他证件号码区分开：请把这一行单独再导入一次",
                en: "This row could not be told apart from another number in the file: import it again on its own"
              })
            )
          } else {
            context.cleared.push(suspect)
            if (suspect.isHead) context.households.addHead(household)
            else context.households.addMember(household, suspect.line)
          }
          continue
        }
        if (suspect.isHead && suspect.household !== -1) context.households.refuseHead(suspect.household, suspect.line)
        if (batchOf === batch.id || batchOf === undefined) {
          const first = context.seen.get(suspect.prefix)
          problems.push(
            problemAt(suspect.line, column, ResidentsImportCode.DuplicateInFile, {
              "zh-CN": `证件号码与第 ${first} 行重复`,
              en: `The same document number as line ${first}`
            })
          )
        } else {
          problems.push(
            problemAt(suspect.line, column, ResidentsImportCode.Registered, {
              "zh-CN": "该证件号码已登记",
              en: "This document number is already registered"
            })
          )
        }
      }
    }

    // A household whose head's row was refused is not itself wrong: its members
    // are refused only when the good rows are imported without it, and then they
    // name the head's line.
    for (const [household, members] of context.households.waiting) {
      if (members.length === 0) continue
      context.headless.push(household)
      const head = context.households.refusedHead(household)
      if (head !== undefined && !batch.goodRowsOnly) continue
      const number = context.households.number(household)
      for (const line of members) {
        problems.push(
          head === undefined
            ? problemAt(line, "relation", ResidentsImportCode.NoHead, {
                "zh-CN": `户 ${number} 没有户主`,
                en: `Household ${number} has no head`
              })
            : problemAt(line, "relation", ResidentsImportCode.HeadRefused, {
                "zh-CN": `户 ${number} 的户主（第 ${head} 行）未通过检查，本户暂不导入`,
                en: `The head of household ${number} (line ${head}) was refused, so the household waits`
              })
        )
      }
    }
    return problems
  })

const countBy = (table: string, column: string, district: string, batch: string) =>
  Db.use(
    (db) =>
      db
        .selectFrom(table)
        .select([column, (eb) => eb.fn.countAll().as("n")])
        .where("district_code", "=", district)
        .where("batch_id", "=", batch)
        .groupBy(column)
        .execute() as Promise<unknown> as Promise<ReadonlyArray<Record<string, string | number | bigint>>>
  )

/**
 * Writes the held-back rows `check` cleared; with only the good rows asked for,
 * takes out the households left without a head and the flats and households
 * no row of the file stands in; then counts what the batch wrote.
 */
const settle = (batch: Batch) =>
  Effect.gen(function* () {
    const context = batch.context

    const district = batch.meta.district
    for (const { table, columns } of [{ table: "registry_person", columns: PERSON }, ...TABLES]) {
      const rows = context.cleared.flatMap((s) => s.rows!.filter(([t]) => t === table).map(([, row]) => row))
      if (rows.length > 0) yield* Db.bulkInsert({ table, columns, rows })
    }
    const refusedSome = context.suspects.length > context.cleared.length || context.headless.length > 0
    let dwellingsRemoved = 0
    if (refusedSome) {
      for (const chunk of chunks(context.headless.map((h) => context.households.id(h)))) {
        for (const table of ["registry_resident_tag", "registry_residence"]) {
          yield* Db.use((db) =>
            db
              .deleteFrom(table)
              .where("district_code", "=", district)
              .where(
                "person_id",
                "in",
                db
                  .selectFrom("registry_person")
                  .select("id")
                  .where("district_code", "=", district)
                  .where("household_id", "in", chunk)
              )
              .execute()
          )
        }
        yield* Db.use((db) =>
          db
            .deleteFrom("registry_household_tag")
            .where("district_code", "=", district)
            .where("household_id", "in", chunk)
            .execute()
        )
        yield* Db.use((db) =>
          db
            .deleteFrom("registry_person")
            .where("district_code", "=", district)
            .where("household_id", "in", chunk)
            .execute()
        )
      }
      // Households (and their tags) and flats this batch made that no resident of it lives in any more.
      for (const [table, key] of [
        ["registry_household_tag", "household_id"],
        ["registry_household", "id"]
      ] as const) {
        yield* Db.use((db) =>
          db
            .deleteFrom(table)
            .where("district_code", "=", district)
            .where("batch_id", "=", batch.id)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom("registry_person as p")
                    .select("p.id")
                    .whereRef("p.district_code", "=", `${table}.district_code`)
                    .whereRef("p.household_id", "=", `${table}.${key}`)
                )
              )
            )
            .execute()
        )
      }
      for (const chunk of chunks(context.dwellings.madeIds())) {
        const removed = yield* Db.use((db) =>
          db
            .deleteFrom("registry_dwelling")
            .where("district_code", "=", district)
            .where("id", "in", chunk)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom("registry_household as h")
                    .select("h.id")
                    .whereRef("h.district_code", "=", "registry_dwelling.district_code")
                    .whereRef("h.dwelling_id", "=", "registry_dwelling.id")
                )
              )
            )
            .executeTakeFirst()
        )
        dwellingsRemoved += Number(removed.numDeletedRows)
      }
    }
    const total = (rows: ReadonlyArray<Record<string, unknown>>) => rows.reduce((n, r) => n + Number(r["n"]), 0)
    const residents = total(yield* countBy("registry_person", "batch_id", district, batch.id))
    const households = total(yield* countBy("registry_household", "batch_id", district, batch.id))
    // Every flat the file named first is written as it is met; only the clean-up above takes any out.
    const dwellings = context.dwellings.madeCount - dwellingsRemoved
    const counts: Record<string, number> = {}
    for (const table of ["registry_resident_tag", "registry_household_tag"]) {
      for (const row of yield* countBy(table, "tag", district, batch.id)) counts[String(row["tag"])] = Number(row["n"])
    }
    const ordered = Object.fromEntries(
      tags.filter((t) => counts[t.code] !== undefined).map((t) => [t.code, counts[t.code]!])
    )
    return {
      written: residents,
      counts: { residents, households, dwellings, ...ordered },
      payload: { tags: ordered }
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
  table: "registry_person",
  columns: PERSON,
  tables: TABLES,
  prepare,
  toRow,
  check,
  settle,
  event: "registry.residents-imported"
})
