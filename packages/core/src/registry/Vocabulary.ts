/**
 * The closed word lists of the registry: a resident's relation to the head of
 * household, resident tags, kinds of street, grid roles, grid duties and how a
 * dwelling is occupied. Each is data (codes with a label in zh-CN and en) plus a
 * parser that reads what import files actually contain: the code, either label,
 * or a common everyday word for it.
 *
 * Files come from spreadsheets typed by grid workers, so every parser first
 * applies NFKC (full-width digits and letters from a Chinese input method become
 * ASCII), trims, collapses inner spaces and ignores case. Anything still not
 * recognised gives `undefined`, never a guess: the caller turns that into a
 * problem with the row and column, which a guess would hide.
 *
 * @since 0.2.0
 */
import { Schema } from "effect"
import type { Text } from "../Errors.js"
import { DocumentType, documentTypeLabels } from "./IdentityDocument.js"

// ---------------------------------------------------------------------------
// Shared: "code, or label, or alias -> code"
// ---------------------------------------------------------------------------

const normalise = (raw: string): string => raw.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase()

const parserOf = <C extends string>(
  entries: ReadonlyArray<{ readonly code: C; readonly label: Text }>,
  aliases: Readonly<Record<string, C>>
): ((raw: string) => C | undefined) => {
  const index = new Map<string, C>()
  for (const [alias, code] of Object.entries(aliases)) index.set(normalise(alias), code)
  // Codes and labels go in last: should an alias ever collide with one, the vocabulary's own word wins.
  for (const { code, label } of entries) {
    for (const key of [code, label["zh-CN"], label.en]) index.set(normalise(key), code)
  }
  return (raw) => index.get(normalise(raw))
}

const entriesOf = <C extends string>(
  codes: ReadonlyArray<C>,
  labels: { readonly [K in C]: Text }
): ReadonlyArray<{ readonly code: C; readonly label: Text }> => codes.map((code) => ({ code, label: labels[code] }))

// ---------------------------------------------------------------------------
// Relation to the head of household (与户主关系), GB/T 4761-2008
// ---------------------------------------------------------------------------

/**
 * The two-digit codes of GB/T 4761-2008 《家庭关系代码》, in the standard's
 * order (direct kin before collateral, near before distant). The one-digit
 * codes of the same standard are not accepted: "2" is 子 there but would be
 * read as 02 户主 by anyone padding it, so a one-digit value is refused rather
 * than guessed.
 *
 * 01 本人 is for forms about a person, where the row is that person; 02 户主 is
 * the head of a household register. A household file is therefore expected to
 * mark its head with 02, and 01 is kept as 01 and not taken for the head. Some
 * systems do write 01 本人 on the head's own row and have no 02 at all (low-income
 * and poverty-relief household tables, for example); reading 01 as the head for
 * such a source is the importer's decision, made per source, not this parser's.
 *
 * Labels follow the published table; where copies of it differ the variant is
 * accepted as an alias: 87 is 姨父 in some copies and 姨夫 in others, 69 appears
 * with and without the trailing 关系, and 40 and 70 are sometimes written with
 * enumeration commas (孙子、孙女、外孙子、外孙女; 兄、弟、姐、妹). The 1984
 * edition's 03 小集体户户主 was withdrawn in 2008 and is not listed.
 *
 * @since 0.2.0
 */
export const relations: ReadonlyArray<{ readonly code: string; readonly label: Text }> = [
  { code: "01", label: { "zh-CN": "本人", en: "Self" } },
  { code: "02", label: { "zh-CN": "户主", en: "Head of household" } },
  { code: "10", label: { "zh-CN": "配偶", en: "Spouse" } },
  { code: "11", label: { "zh-CN": "夫", en: "Husband" } },
  { code: "12", label: { "zh-CN": "妻", en: "Wife" } },
  { code: "20", label: { "zh-CN": "子", en: "Son" } },
  { code: "21", label: { "zh-CN": "独生子", en: "Only son" } },
  { code: "22", label: { "zh-CN": "长子", en: "Eldest son" } },
  { code: "23", label: { "zh-CN": "次子", en: "Second son" } },
  { code: "24", label: { "zh-CN": "三子", en: "Third son" } },
  { code: "25", label: { "zh-CN": "四子", en: "Fourth son" } },
  { code: "26", label: { "zh-CN": "五子", en: "Fifth son" } },
  { code: "27", label: { "zh-CN": "养子或继子", en: "Adopted son or stepson" } },
  { code: "28", label: { "zh-CN": "女婿", en: "Son-in-law" } },
  { code: "29", label: { "zh-CN": "其他儿子", en: "Other son" } },
  { code: "30", label: { "zh-CN": "女", en: "Daughter" } },
  { code: "31", label: { "zh-CN": "独生女", en: "Only daughter" } },
  { code: "32", label: { "zh-CN": "长女", en: "Eldest daughter" } },
  { code: "33", label: { "zh-CN": "次女", en: "Second daughter" } },
  { code: "34", label: { "zh-CN": "三女", en: "Third daughter" } },
  { code: "35", label: { "zh-CN": "四女", en: "Fourth daughter" } },
  { code: "36", label: { "zh-CN": "五女", en: "Fifth daughter" } },
  { code: "37", label: { "zh-CN": "养女或继女", en: "Adopted daughter or stepdaughter" } },
  { code: "38", label: { "zh-CN": "儿媳", en: "Daughter-in-law" } },
  { code: "39", label: { "zh-CN": "其他女儿", en: "Other daughter" } },
  { code: "40", label: { "zh-CN": "孙子、孙女或外孙子、外孙女", en: "Grandchild" } },
  { code: "41", label: { "zh-CN": "孙子", en: "Grandson (son's son)" } },
  { code: "42", label: { "zh-CN": "孙女", en: "Granddaughter (son's daughter)" } },
  { code: "43", label: { "zh-CN": "外孙子", en: "Grandson (daughter's son)" } },
  { code: "44", label: { "zh-CN": "外孙女", en: "Granddaughter (daughter's daughter)" } },
  { code: "45", label: { "zh-CN": "孙媳妇或外孙媳妇", en: "Grandson's wife" } },
  { code: "46", label: { "zh-CN": "孙女婿或外孙女婿", en: "Granddaughter's husband" } },
  { code: "47", label: { "zh-CN": "曾孙子或外曾孙子", en: "Great-grandson" } },
  { code: "48", label: { "zh-CN": "曾孙女或外曾孙女", en: "Great-granddaughter" } },
  { code: "49", label: { "zh-CN": "其他孙子、孙女或外孙子、外孙女", en: "Other grandchild" } },
  { code: "50", label: { "zh-CN": "父母", en: "Parent" } },
  { code: "51", label: { "zh-CN": "父亲", en: "Father" } },
  { code: "52", label: { "zh-CN": "母亲", en: "Mother" } },
  { code: "53", label: { "zh-CN": "公公", en: "Father-in-law (husband's father)" } },
  { code: "54", label: { "zh-CN": "婆婆", en: "Mother-in-law (husband's mother)" } },
  { code: "55", label: { "zh-CN": "岳父", en: "Father-in-law (wife's father)" } },
  { code: "56", label: { "zh-CN": "岳母", en: "Mother-in-law (wife's mother)" } },
  { code: "57", label: { "zh-CN": "继父或养父", en: "Stepfather or adoptive father" } },
  { code: "58", label: { "zh-CN": "继母或养母", en: "Stepmother or adoptive mother" } },
  { code: "59", label: { "zh-CN": "其他父母关系", en: "Other parent" } },
  { code: "60", label: { "zh-CN": "祖父母或外祖父母", en: "Grandparent" } },
  { code: "61", label: { "zh-CN": "祖父", en: "Grandfather (father's father)" } },
  { code: "62", label: { "zh-CN": "祖母", en: "Grandmother (father's mother)" } },
  { code: "63", label: { "zh-CN": "外祖父", en: "Grandfather (mother's father)" } },
  { code: "64", label: { "zh-CN": "外祖母", en: "Grandmother (mother's mother)" } },
  { code: "65", label: { "zh-CN": "配偶的祖父母或外祖父母", en: "Spouse's grandparent" } },
  { code: "66", label: { "zh-CN": "曾祖父", en: "Great-grandfather" } },
  { code: "67", label: { "zh-CN": "曾祖母", en: "Great-grandmother" } },
  { code: "68", label: { "zh-CN": "配偶的曾祖父母或外曾祖父母", en: "Spouse's great-grandparent" } },
  { code: "69", label: { "zh-CN": "其他祖父母或外祖父母关系", en: "Other grandparent" } },
  { code: "70", label: { "zh-CN": "兄弟姐妹", en: "Sibling" } },
  { code: "71", label: { "zh-CN": "兄", en: "Elder brother" } },
  { code: "72", label: { "zh-CN": "嫂", en: "Elder brother's wife" } },
  { code: "73", label: { "zh-CN": "弟", en: "Younger brother" } },
  { code: "74", label: { "zh-CN": "弟媳", en: "Younger brother's wife" } },
  { code: "75", label: { "zh-CN": "姐姐", en: "Elder sister" } },
  { code: "76", label: { "zh-CN": "姐夫", en: "Elder sister's husband" } },
  { code: "77", label: { "zh-CN": "妹妹", en: "Younger sister" } },
  { code: "78", label: { "zh-CN": "妹夫", en: "Younger sister's husband" } },
  { code: "79", label: { "zh-CN": "其他兄弟姐妹", en: "Other sibling" } },
  { code: "80", label: { "zh-CN": "其他", en: "Other" } },
  { code: "81", label: { "zh-CN": "伯父", en: "Uncle (father's elder brother)" } },
  { code: "82", label: { "zh-CN": "伯母", en: "Aunt (wife of father's elder brother)" } },
  { code: "83", label: { "zh-CN": "叔父", en: "Uncle (father's younger brother)" } },
  { code: "84", label: { "zh-CN": "婶母", en: "Aunt (wife of father's younger brother)" } },
  { code: "85", label: { "zh-CN": "舅父", en: "Uncle (mother's brother)" } },
  { code: "86", label: { "zh-CN": "舅母", en: "Aunt (wife of mother's brother)" } },
  { code: "87", label: { "zh-CN": "姨父", en: "Uncle (husband of mother's sister)" } },
  { code: "88", label: { "zh-CN": "姨母", en: "Aunt (mother's sister)" } },
  { code: "89", label: { "zh-CN": "姑父", en: "Uncle (husband of father's sister)" } },
  { code: "90", label: { "zh-CN": "姑母", en: "Aunt (father's sister)" } },
  { code: "91", label: { "zh-CN": "堂兄弟、堂姐妹", en: "Cousin (child of father's brother)" } },
  { code: "92", label: { "zh-CN": "表兄弟、表姐妹", en: "Cousin (other)" } },
  { code: "93", label: { "zh-CN": "侄子", en: "Nephew (brother's son)" } },
  { code: "94", label: { "zh-CN": "侄女", en: "Niece (brother's daughter)" } },
  { code: "95", label: { "zh-CN": "外甥", en: "Nephew (sister's son)" } },
  { code: "96", label: { "zh-CN": "外甥女", en: "Niece (sister's daughter)" } },
  { code: "97", label: { "zh-CN": "其他亲属", en: "Other relative" } },
  { code: "99", label: { "zh-CN": "非亲属", en: "Not related" } }
]

/**
 * The code that marks the head of a household (户主). Not 01 本人: see
 * {@link relations}.
 *
 * @since 0.2.0
 */
export const HEAD_OF_HOUSEHOLD = "02"

/**
 * Everyday words a household file uses for a relation, beyond the standard's
 * own labels. Only words that name one relation unambiguously are here:
 * 媳妇 (a wife in the north-east, a son's wife elsewhere) and 弟妹 (a younger
 * brother's wife, or younger siblings) are left out so they are asked about
 * rather than misread.
 *
 * @since 0.2.0
 */
export const relationAliases: Readonly<Record<string, string>> = {
  head: "02",
  丈夫: "11",
  妻子: "12",
  儿子: "20",
  独子: "21",
  养子: "27",
  继子: "27",
  女儿: "30",
  养女: "37",
  继女: "37",
  儿媳妇: "38",
  "孙子、孙女、外孙子、外孙女": "40",
  grandson: "41",
  granddaughter: "42",
  外孙: "43",
  孙媳妇: "45",
  孙女婿: "46",
  曾孙: "47",
  曾孙子: "47",
  曾孙女: "48",
  父: "51",
  爸爸: "51",
  母: "52",
  妈妈: "52",
  继父: "57",
  养父: "57",
  继母: "58",
  养母: "58",
  爷爷: "61",
  奶奶: "62",
  外公: "63",
  姥爷: "63",
  外婆: "64",
  姥姥: "64",
  其他祖父母或外祖父母: "69",
  "兄、弟、姐、妹": "70",
  哥哥: "71",
  嫂子: "72",
  弟弟: "73",
  姐: "75",
  妹: "77",
  姨夫: "87",
  "non-relative": "99"
}

/**
 * Reads a relation to the head of household: an exact two-digit code (full-width
 * digits too), a label of {@link relations} in either language, or one of
 * {@link relationAliases}.
 *
 * @example
 * ```ts
 * parseRelation("儿媳妇") // "38"
 * parseRelation("０２") // "02"
 * parseRelation("2") // undefined
 * ```
 * @since 0.2.0
 */
export const parseRelation: (raw: string) => string | undefined = parserOf(relations, relationAliases)

// ---------------------------------------------------------------------------
// Resident tags (vulnerable groups)
// ---------------------------------------------------------------------------

/**
 * The tags plugins act on, as written in files, APIs and tables.
 *
 * @since 0.2.0
 */
export const TagCode = Schema.Literal(
  "left_behind_elderly",
  "left_behind_woman",
  "left_behind_child",
  "childless_elderly",
  "empty_nest",
  "living_alone",
  "disabled",
  "unable_to_self_care",
  "low_income",
  "extreme_poverty",
  "entitled_veteran_family",
  "lost_only_child",
  "community_correction",
  "migrant"
)

/** @since 0.2.0 */
export type TagCode = typeof TagCode.Type

interface TagFacts {
  readonly label: Text
  readonly appliesTo: "resident" | "household"
  readonly restricted: boolean
}

// Keyed by code so the compiler refuses a TagCode without its facts.
const tagFacts: { readonly [K in TagCode]: TagFacts } = {
  left_behind_elderly: {
    label: { "zh-CN": "留守老人", en: "Left-behind elderly" },
    appliesTo: "resident",
    restricted: false
  },
  left_behind_woman: {
    label: { "zh-CN": "留守妇女", en: "Left-behind woman" },
    appliesTo: "resident",
    restricted: false
  },
  left_behind_child: {
    label: { "zh-CN": "留守儿童", en: "Left-behind child" },
    appliesTo: "resident",
    restricted: false
  },
  childless_elderly: {
    label: { "zh-CN": "孤寡老人", en: "Childless elderly" },
    appliesTo: "resident",
    restricted: false
  },
  empty_nest: { label: { "zh-CN": "空巢老人", en: "Empty-nest elderly" }, appliesTo: "resident", restricted: false },
  living_alone: {
    label: { "zh-CN": "独居老人", en: "Elderly living alone" },
    appliesTo: "resident",
    restricted: false
  },
  disabled: { label: { "zh-CN": "残疾人", en: "Person with a disability" }, appliesTo: "resident", restricted: false },
  unable_to_self_care: {
    label: { "zh-CN": "失能人员", en: "Unable to care for self" },
    appliesTo: "resident",
    restricted: false
  },
  // Income is assessed over the household, so the whole household is tagged.
  low_income: {
    label: { "zh-CN": "低收入家庭", en: "Low-income household" },
    appliesTo: "household",
    restricted: false
  },
  extreme_poverty: {
    label: { "zh-CN": "特困供养", en: "Extreme poverty support" },
    appliesTo: "household",
    restricted: false
  },
  entitled_veteran_family: {
    label: { "zh-CN": "优抚对象", en: "Entitled veteran or family member" },
    appliesTo: "resident",
    restricted: false
  },
  lost_only_child: {
    label: { "zh-CN": "失独家庭", en: "Family that lost its only child" },
    appliesTo: "household",
    restricted: false
  },
  // Being under community correction reveals a criminal record: sensitive personal
  // information under PIPL art. 28, so it is shown only to roles allowed to see it.
  community_correction: {
    label: { "zh-CN": "社区矫正对象", en: "Under community correction" },
    appliesTo: "resident",
    restricted: true
  },
  migrant: { label: { "zh-CN": "外来人口", en: "Migrant" }, appliesTo: "resident", restricted: false }
}

/**
 * Every tag with its labels; `appliesTo` says whether it is set on a resident or
 * on a household (low income, extreme poverty support and a lost only child are
 * facts about the family); `restricted` marks a tag that is sensitive personal
 * information and must be hidden from roles not entitled to it.
 *
 * @since 0.2.0
 */
export const tags: ReadonlyArray<{
  readonly code: TagCode
  readonly label: Text
  readonly appliesTo: "resident" | "household"
  readonly restricted: boolean
}> = TagCode.literals.map((code) => ({ code, ...tagFacts[code] }))

/**
 * Short forms of the tags seen in ledgers. 低保 (minimum living allowance) is
 * read as low income because the registry has no separate 低保 tag: the case
 * treats allowance households as the low-income households the aid plugin
 * pairs with helpers.
 *
 * @since 0.2.0
 */
export const tagAliases: Readonly<Record<string, TagCode>> = {
  孤寡: "childless_elderly",
  空巢: "empty_nest",
  独居: "living_alone",
  残疾: "disabled",
  失能: "unable_to_self_care",
  低保: "low_income",
  低保户: "low_income",
  低收入: "low_income",
  特困: "extreme_poverty",
  特困人员: "extreme_poverty",
  优抚: "entitled_veteran_family",
  失独: "lost_only_child",
  社区矫正: "community_correction",
  外来: "migrant",
  流动人口: "migrant"
}

/**
 * Reads one tag: its code, a label in either language, or one of
 * {@link tagAliases}.
 *
 * @example
 * ```ts
 * parseTag("低保") // "low_income"
 * ```
 * @since 0.2.0
 */
export const parseTag: (raw: string) => TagCode | undefined = parserOf(tags, tagAliases)

/**
 * Splits a cell holding several tags. Separators are `;`, full-width `；` and
 * the enumeration comma `、`; a comma is not one, since it separates the cells
 * of a CSV file. Empty pieces (a trailing separator, two in a row) are dropped.
 * The pieces are trimmed but otherwise as written, for {@link parseTag}.
 *
 * @example
 * ```ts
 * splitTags("空巢；独居、disabled;") // ["空巢", "独居", "disabled"]
 * ```
 * @since 0.2.0
 */
export const splitTags = (raw: string): ReadonlyArray<string> =>
  raw
    .split(/[;；、]/)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0)

// ---------------------------------------------------------------------------
// Kinds of street (the level below the district)
// ---------------------------------------------------------------------------

/**
 * What the unit below the district is: an urban street office, a township
 * (乡 or 镇, which the registry does not tell apart) or a state forest farm,
 * which in Heilongjiang governs its own settlements.
 *
 * @since 0.2.0
 */
export const StreetKind = Schema.Literal("street_office", "township", "forest_farm")

/** @since 0.2.0 */
export type StreetKind = typeof StreetKind.Type

/** @since 0.2.0 */
export const streetKindLabels: { readonly [K in StreetKind]: Text } = {
  street_office: { "zh-CN": "街道办事处", en: "Street office" },
  township: { "zh-CN": "乡镇", en: "Township" },
  forest_farm: { "zh-CN": "林场", en: "Forest farm" }
}

/** @since 0.2.0 */
export const streetKindAliases: Readonly<Record<string, StreetKind>> = {
  街道: "street_office",
  街道办: "street_office",
  乡: "township",
  镇: "township",
  town: "township"
}

/**
 * @example
 * ```ts
 * parseStreetKind("镇") // "township"
 * ```
 * @since 0.2.0
 */
export const parseStreetKind: (raw: string) => StreetKind | undefined = parserOf(
  entriesOf(StreetKind.literals, streetKindLabels),
  streetKindAliases
)

// ---------------------------------------------------------------------------
// Grid roles (一格多员)
// ---------------------------------------------------------------------------

/**
 * The roles staff hold in a grid. One grid has many staff, so these are kinds
 * of post, not a rank within one post.
 *
 * @since 0.2.0
 */
export const GridRoleKind = Schema.Literal("grid_leader", "grid_worker", "assistant")

/** @since 0.2.0 */
export type GridRoleKind = typeof GridRoleKind.Type

/** @since 0.2.0 */
export const gridRoleKindLabels: { readonly [K in GridRoleKind]: Text } = {
  grid_leader: { "zh-CN": "网格长", en: "Grid leader" },
  grid_worker: { "zh-CN": "网格员", en: "Grid worker" },
  assistant: { "zh-CN": "协管员", en: "Assistant" }
}

/**
 * Full-time and part-time grid workers are one role here: the duties they hold
 * differ, and duties are recorded separately.
 *
 * @since 0.2.0
 */
export const gridRoleKindAliases: Readonly<Record<string, GridRoleKind>> = {
  专职网格员: "grid_worker",
  兼职网格员: "grid_worker",
  协管: "assistant",
  网格协管员: "assistant"
}

/**
 * @example
 * ```ts
 * parseGridRoleKind("网格长") // "grid_leader"
 * ```
 * @since 0.2.0
 */
export const parseGridRoleKind: (raw: string) => GridRoleKind | undefined = parserOf(
  entriesOf(GridRoleKind.literals, gridRoleKindLabels),
  gridRoleKindAliases
)

// ---------------------------------------------------------------------------
// Duties (一员多责)
// ---------------------------------------------------------------------------

/**
 * The lines of work merged into one grid, each of which used to send its own
 * staff; one person may hold several.
 *
 * @since 0.2.0
 */
export const Duty = Schema.Literal(
  "party_building",
  "public_security",
  "anti_drug",
  "volunteering",
  "home_elderly_care"
)

/** @since 0.2.0 */
export type Duty = typeof Duty.Type

/** @since 0.2.0 */
export const dutyLabels: { readonly [K in Duty]: Text } = {
  party_building: { "zh-CN": "党建", en: "Party building" },
  public_security: { "zh-CN": "社会治安", en: "Public security" },
  anti_drug: { "zh-CN": "禁毒", en: "Anti-drug" },
  volunteering: { "zh-CN": "志愿服务", en: "Volunteering" },
  home_elderly_care: { "zh-CN": "居家养老", en: "Home elderly care" }
}

/**
 * 综治 (comprehensive management of public order) is the office's own name for
 * the public-security line, so files use it as often as 治安.
 *
 * @since 0.2.0
 */
export const dutyAliases: Readonly<Record<string, Duty>> = {
  治安: "public_security",
  综治: "public_security",
  社会治安综合治理: "public_security",
  志愿: "volunteering",
  居家和社区养老: "home_elderly_care"
}

/**
 * @example
 * ```ts
 * parseDuty("综治") // "public_security"
 * ```
 * @since 0.2.0
 */
export const parseDuty: (raw: string) => Duty | undefined = parserOf(entriesOf(Duty.literals, dutyLabels), dutyAliases)

// ---------------------------------------------------------------------------
// Occupancy of a dwelling
// ---------------------------------------------------------------------------

/**
 * How a flat is used, which tells a grid worker whether to expect the owner,
 * tenants or nobody at the door.
 *
 * @since 0.2.0
 */
export const Occupancy = Schema.Literal("owner_occupied", "rented", "empty")

/** @since 0.2.0 */
export type Occupancy = typeof Occupancy.Type

/** @since 0.2.0 */
export const occupancyLabels: { readonly [K in Occupancy]: Text } = {
  owner_occupied: { "zh-CN": "自住", en: "Owner-occupied" },
  rented: { "zh-CN": "出租", en: "Rented" },
  empty: { "zh-CN": "空置", en: "Empty" }
}

/** @since 0.2.0 */
export const occupancyAliases: Readonly<Record<string, Occupancy>> = {
  出租房: "rented",
  租住: "rented",
  空房: "empty",
  闲置: "empty"
}

/**
 * @example
 * ```ts
 * parseOccupancy("出租") // "rented"
 * ```
 * @since 0.2.0
 */
export const parseOccupancy: (raw: string) => Occupancy | undefined = parserOf(
  entriesOf(Occupancy.literals, occupancyLabels),
  occupancyAliases
)

// ---------------------------------------------------------------------------
// Document types (证件类型)
// ---------------------------------------------------------------------------

/**
 * What ledgers write for the document types besides their labels.
 *
 * @since 0.2.0
 */
export const documentTypeAliases: Readonly<Record<string, DocumentType>> = {
  身份证: "resident_id_card",
  居民身份证号: "resident_id_card",
  id_card: "resident_id_card",
  外国人永久居留证: "foreign_permanent_residence_card",
  永久居留证: "foreign_permanent_residence_card",
  港澳通行证: "hk_macao_taiwan_pass",
  港澳居民来往内地通行证: "hk_macao_taiwan_pass",
  台胞证: "hk_macao_taiwan_pass",
  台湾居民来往大陆通行证: "hk_macao_taiwan_pass",
  港澳台居民居住证: "hk_macao_taiwan_pass",
  无: "none",
  无证件: "none"
}

/**
 * Reads a document type: its code, a label in either language, or one of
 * {@link documentTypeAliases}.
 *
 * @example
 * ```ts
 * parseDocumentType("台胞证") // "hk_macao_taiwan_pass"
 * ```
 * @since 0.2.0
 */
export const parseDocumentType: (raw: string) => DocumentType | undefined = parserOf(
  entriesOf(DocumentType.literals, documentTypeLabels),
  documentTypeAliases
)
