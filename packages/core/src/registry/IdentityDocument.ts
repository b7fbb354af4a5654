/**
 * Identity documents of people in the registry, and the rules their numbers
 * follow: the resident ID card (GB 11643), the foreigners' permanent residence
 * ID card, passports, the permits of Hong Kong, Macao and Taiwan residents, and
 * no document at all (a newborn). Numbers are normalised before they are
 * checked, and every refusal carries a stable `REGISTRY.*` code with a reason in
 * zh-CN and en that tells a grid worker what is wrong and what to do.
 *
 * The reasons never contain the number itself: they end up in logs and reports,
 * and a document number is personal information under PIPL.
 *
 * @since 0.1.0
 */
import { Either, ParseResult, Schema, type SchemaAST } from "effect"
import type { Text } from "../Errors.js"
import * as Problems from "../Problems.js"

/**
 * The kinds of identity document a person in the registry can have. `none` is
 * for someone who has no document yet, typically a newborn.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(DocumentType)("passport") // "passport"
 * ```
 * @since 0.1.0
 */
export const DocumentType = Schema.Literal(
  "resident_id_card",
  "foreign_permanent_residence_card",
  "passport",
  "hk_macao_taiwan_pass",
  "none"
)

/** @since 0.1.0 */
export type DocumentType = typeof DocumentType.Type

/**
 * What to call each document type on screens and in files, in both languages.
 *
 * @since 0.1.0
 */
export const documentTypeLabels: { readonly [K in DocumentType]: Text } = {
  resident_id_card: { "zh-CN": "居民身份证", en: "Resident ID card" },
  foreign_permanent_residence_card: {
    "zh-CN": "外国人永久居留身份证",
    en: "Foreigners' permanent residence ID card"
  },
  passport: { "zh-CN": "护照", en: "Passport" },
  hk_macao_taiwan_pass: {
    "zh-CN": "港澳台居民通行证或居住证",
    en: "Hong Kong, Macao or Taiwan residents' travel or residence permit"
  },
  none: { "zh-CN": "无证件（如尚未办证的新生儿）", en: "No document (e.g. a newborn without one yet)" }
}

/**
 * A person's sex as an identity number records it.
 *
 * @since 0.1.0
 */
export const Sex = Schema.Literal("female", "male")

/** @since 0.1.0 */
export type Sex = typeof Sex.Type

/**
 * Stable codes of the identity-document rules, namespaced `REGISTRY.*`. The
 * `ID_*` codes are the rules of 18-character numbers built like a citizen
 * identity number (GB 11643): resident ID cards, the 2023 foreigners' permanent
 * residence ID card and the residence permits of Hong Kong, Macao and Taiwan
 * residents.
 *
 * @since 0.1.0
 */
export const RegistryCode = {
  DocumentNumberMissing: "REGISTRY.DOCUMENT_NUMBER_MISSING",
  DocumentNumberNotText: "REGISTRY.DOCUMENT_NUMBER_NOT_TEXT",
  DocumentNumberForNone: "REGISTRY.DOCUMENT_NUMBER_FOR_NONE",
  IdScientificNotation: "REGISTRY.ID_SCIENTIFIC_NOTATION",
  IdOld15Digit: "REGISTRY.ID_OLD_15_DIGIT",
  IdLength: "REGISTRY.ID_LENGTH",
  IdCharacters: "REGISTRY.ID_CHARACTERS",
  IdBirthDate: "REGISTRY.ID_BIRTH_DATE",
  IdCheckCharacter: "REGISTRY.ID_CHECK_CHARACTER",
  IdOtherDocumentType: "REGISTRY.ID_OTHER_DOCUMENT_TYPE",
  ForeignPrFormat: "REGISTRY.FOREIGN_PR_FORMAT",
  PassportFormat: "REGISTRY.PASSPORT_FORMAT",
  PassportFormatChina: "REGISTRY.PASSPORT_FORMAT_CN",
  PassportCountry: "REGISTRY.PASSPORT_COUNTRY",
  HmtPassFormat: "REGISTRY.HMT_PASS_FORMAT"
} as const

/** @since 0.1.0 */
export type RegistryCode = (typeof RegistryCode)[keyof typeof RegistryCode]

/**
 * Why a document number was refused: a {@link RegistryCode} and the reason in
 * both languages. It has the shape of a {@link Problems.Explanation}.
 *
 * @since 0.1.0
 */
export interface DocumentProblem extends Text {
  readonly code: RegistryCode
}

/**
 * The reason for each {@link RegistryCode}, in both languages: what is wrong and
 * what to do about it.
 *
 * @since 0.1.0
 */
export const registryReasons: { readonly [K in RegistryCode]: Text } = {
  [RegistryCode.DocumentNumberMissing]: {
    "zh-CN": "缺少证件号码：请对照证件录入号码；尚未办理证件的新生儿，证件类型请选“无证件”。",
    en: "The document number is empty: enter it from the document. For a newborn who has no document yet, choose the document type “none”."
  },
  [RegistryCode.DocumentNumberNotText]: {
    "zh-CN":
      "证件号码收到的是数值而不是文本，通常是表格把这一列当成了数字，末几位可能已经丢失：请把该列设为“文本”格式，再对照证件重新录入。",
    en: "The document number arrived as a numeric value, not as text. A spreadsheet usually does this when it treats the column as numbers, and the last digits may already be lost: format the column as text and re-enter the number from the document."
  },
  [RegistryCode.DocumentNumberForNone]: {
    "zh-CN": "证件类型为“无证件”，却填写了证件号码：如果此人有证件，请选择该证件的类型；否则请清空号码。",
    en: "The document type is “none” but a number was given: choose the type of the document the number belongs to, or clear the number."
  },
  [RegistryCode.IdScientificNotation]: {
    "zh-CN":
      "证件号码被表格软件改成了科学计数法（形如 2.30503E+17），后几位已经丢失，无法还原：请把该列设为“文本”格式，再对照证件重新录入。",
    en: "A spreadsheet turned the number into scientific notation (like 2.30503E+17) and its last digits are lost for good: format the column as text and re-enter the number from the document."
  },
  [RegistryCode.IdOld15Digit]: {
    "zh-CN": "这是已停用的 15 位旧身份证号码，系统不会自动换算：请对照此人现行的居民身份证，录入 18 位号码。",
    en: "This is an old 15-digit ID number, no longer in use, and it is not converted automatically: enter the 18-character number from the person's current resident ID card."
  },
  [RegistryCode.IdLength]: {
    "zh-CN": "居民身份证号码应为 18 位：请对照证件检查是否多录或漏录了数字。",
    en: "A resident ID number has 18 characters: compare it with the card for a missing or an extra digit."
  },
  [RegistryCode.IdCharacters]: {
    "zh-CN":
      "证件号码应为 17 位数字，最后一位是数字或字母 X，其中混入了其他字符：请对照证件重新录入（注意字母 O 与数字 0、字母 I 与数字 1）。",
    en: "The number should be 17 digits followed by a digit or the letter X, and it contains other characters: re-enter it from the document (watch the letter O against the digit 0, the letter I against the digit 1)."
  },
  [RegistryCode.IdBirthDate]: {
    "zh-CN":
      "证件号码第 7 至 14 位是出生日期（年月日），这里不是一个可能的出生日期（日期不存在、晚于今天或早于 1900 年）：请对照证件核对这几位。",
    en: "Characters 7 to 14 of the number are the date of birth (year, month, day), and here they are not a possible one (no such date, after today, or before 1900): check them against the document."
  },
  [RegistryCode.IdCheckCharacter]: {
    "zh-CN":
      "证件号码最后一位校验码与前 17 位对不上，说明有数字录错或前后颠倒：请对照证件逐位核对。号码如来自表格且末几位变成了 0，请把该列设为“文本”格式后重新录入。",
    en: "The last character (the check character) does not match the first 17: a digit is mistyped or two are swapped. Compare the number with the document digit by digit. If it came from a spreadsheet and now ends in zeros, format the column as text and re-enter it."
  },
  [RegistryCode.IdOtherDocumentType]: {
    "zh-CN":
      "这个号码属于另一种证件：以 9 开头的 18 位号码或 3 个字母加 12 位数字是外国人永久居留身份证，以 810000、820000、830000 开头的是港澳台居民居住证。请改选对应的证件类型。",
    en: "This number belongs to another kind of document: 18 characters starting with 9, or 3 letters and 12 digits, is a foreigners' permanent residence ID card; starting with 810000, 820000 or 830000 is a residence permit for Hong Kong, Macao or Taiwan residents. Choose that document type."
  },
  [RegistryCode.ForeignPrFormat]: {
    "zh-CN":
      "外国人永久居留身份证号码应为以 9 开头的 18 位（2023 年 12 月起签发的新版），或 3 个英文字母加 12 位数字（旧版）：请对照证件重新录入。以 1 至 8 开头的 18 位号码是居民身份证号码，请改选证件类型。",
    en: "A foreigners' permanent residence ID number is 18 characters starting with 9 (cards issued from December 2023) or 3 letters followed by 12 digits (earlier cards): re-enter it from the card. An 18-character number starting with 1 to 8 is a resident ID number: choose that document type."
  },
  [RegistryCode.PassportFormat]: {
    "zh-CN": "护照号码应为 5 至 20 位英文字母或数字：请对照护照资料页重新录入，不要带其他符号。",
    en: "A passport number is 5 to 20 letters or digits: re-enter it from the passport's data page, without any other symbols."
  },
  [RegistryCode.PassportFormatChina]: {
    "zh-CN":
      "中国护照号码应为 E 加 8 位数字、E 加 1 个字母再加 7 位数字，或旧版的 G 加 8 位数字（外交、公务护照以 D、S、P 开头）：请对照护照资料页重新录入；如果这不是中国护照，请更正签发国家。",
    en: "A Chinese passport number is E and 8 digits, E, a letter and 7 digits, or on older passports G and 8 digits (diplomatic, service and public affairs passports start with D, S or P): re-enter it from the data page, or correct the issuing country if the passport is not Chinese."
  },
  [RegistryCode.PassportCountry]: {
    "zh-CN":
      "护照签发国家应为 3 个英文字母的国家代码（ISO 3166-1，如 CHN、RUS、KOR）：请对照护照资料页填写，不确定时可以留空。",
    en: "The issuing country is a 3-letter country code (ISO 3166-1, e.g. CHN, RUS, KOR): take it from the passport's data page, or leave it empty when unsure."
  },
  [RegistryCode.HmtPassFormat]: {
    "zh-CN":
      "号码不符合港澳台居民证件的格式：港澳居民来往内地通行证为 H 或 M 加 8 位或 10 位数字；台湾居民来往大陆通行证为 8 位数字（旧证为 10 位数字，可带括号内的签发机关代码）；港澳台居民居住证为以 810000、820000 或 830000 开头的 18 位号码。请对照证件重新录入。",
    en: "The number fits none of the Hong Kong, Macao and Taiwan residents' documents: the Mainland Travel Permit for Hong Kong and Macao residents is H or M and 8 or 10 digits; the one for Taiwan residents is 8 digits (older ones 10 digits, perhaps with an issuing-office code in brackets); the residence permit is 18 characters starting with 810000, 820000 or 830000. Re-enter it from the document."
  }
}

const problem = (code: RegistryCode): DocumentProblem => ({ code, ...registryReasons[code] })

/**
 * Cleans a document number as people type or paste it: NFKC turns full-width
 * digits, letters and brackets from a Chinese input method into ASCII; every
 * space (leading, trailing or inside, including full-width and zero-width ones)
 * is removed; ASCII letters are upper-cased, so a trailing `x` becomes `X`; a
 * trailing `×` becomes `X`.
 *
 * @example
 * ```ts
 * normalise(" ２３０５０３ １９９００１０１ ００５ｘ ") // "23050319900101005X"
 * ```
 * @since 0.1.0
 */
export const normalise = (raw: string): string =>
  raw
    .normalize("NFKC")
    // Zero-width characters are not whitespace to \s but arrive with text copied from web pages and chats.
    .replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, "")
    // Chinese input methods offer the multiplication sign when people type the X of an ID number.
    .replace(/×$/, "X")
    .replace(/[a-z]/g, (letter) => letter.toUpperCase())

// GB 11643-1999 / ISO 7064 MOD 11-2: weight of position i (from the left) is 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARACTERS = "10X98765432"

const checkCharacterOf = (body: string): string => {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i]!
  return CHECK_CHARACTERS[sum % 11]!
}

// The birth date on a card is a date in China: a child born just after midnight
// Beijing time is born "today" even while it is still yesterday in UTC.
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000

const dateInChina = (instant: Date): string => new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10)

const birthDateOf = (digits: string, today: Date): string | undefined => {
  const year = Number(digits.slice(0, 4))
  const month = Number(digits.slice(4, 6))
  const day = Number(digits.slice(6, 8))
  const date = new Date(Date.UTC(year, month - 1, day))
  // Date.UTC rolls 30 February over into March: a real date comes back unchanged.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined
  }
  const iso = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`
  return year < 1900 || iso > dateInChina(today) ? undefined : iso
}

// What a spreadsheet shows for an 18-digit number in a General or Number column
// (a comma where the locale writes decimals with one).
const SCIENTIFIC_NOTATION = /^\d+([.,]\d+)?E[+-]?\d+$/

/**
 * A resident ID number that passed every rule, with what it says about its
 * holder.
 *
 * @since 0.1.0
 */
export interface ResidentId {
  /** The normalised number. */
  readonly number: string
  /** `YYYY-MM-DD`. */
  readonly birthDate: string
  readonly sex: Sex
}

/**
 * The rules every 18-character number built like a citizen identity number
 * shares, checked in the order that names the most specific mistake: the
 * characters, the birth date, then the check character.
 */
const checkIdentityNumber = (number: string, today: Date): Either.Either<ResidentId, DocumentProblem> => {
  if (!/^\d{17}[\dX]$/.test(number)) return Either.left(problem(RegistryCode.IdCharacters))
  const birthDate = birthDateOf(number.slice(6, 14), today)
  if (birthDate === undefined) return Either.left(problem(RegistryCode.IdBirthDate))
  if (checkCharacterOf(number) !== number[17]) return Either.left(problem(RegistryCode.IdCheckCharacter))
  // GB 11643: the sequence code's last digit (the 17th character) is odd for men and even for women.
  return Either.right({ number, birthDate, sex: Number(number[16]) % 2 === 1 ? "male" : "female" })
}

/**
 * Checks a resident ID number (GB 11643-1999, 18 characters) after
 * {@link normalise}: its length, its characters, the birth date in characters
 * 7 to 14 (a real date, not after `today` in China, not before 1900) and the
 * ISO 7064 MOD 11-2 check character. An old 15-digit number and a number a
 * spreadsheet turned into scientific notation each get their own code. The
 * region prefix is not checked against today's GB/T 2260: codes abolished since
 * a card was issued stay on the card.
 *
 * @example
 * ```ts
 * checkResidentId("23050319900101005x")
 * // Either.right({ number: "23050319900101005X", birthDate: "1990-01-01", sex: "male" })
 * ```
 * @since 0.1.0
 */
export const checkResidentId = (raw: string, today: Date = new Date()): Either.Either<ResidentId, DocumentProblem> => {
  const number = normalise(raw)
  if (number === "") return Either.left(problem(RegistryCode.DocumentNumberMissing))
  if (SCIENTIFIC_NOTATION.test(number)) return Either.left(problem(RegistryCode.IdScientificNotation))
  if (/^\d{15}$/.test(number)) return Either.left(problem(RegistryCode.IdOld15Digit))
  if (/^[A-Z]{3}\d{12}$/.test(number)) return Either.left(problem(RegistryCode.IdOtherDocumentType))
  if (number.length !== 18) return Either.left(problem(RegistryCode.IdLength))
  const checked = checkIdentityNumber(number, today)
  // Only a number that passes every rule is told it belongs elsewhere: a mistyped
  // first digit is a typing mistake, not another document.
  if (Either.isRight(checked) && (number.startsWith("9") || /^8[123]0000/.test(number))) {
    return Either.left(problem(RegistryCode.IdOtherDocumentType))
  }
  return checked
}

/**
 * A foreigners' permanent residence ID number that passed its rules. Only the
 * 2023 format carries a birth date.
 *
 * @since 0.1.0
 */
export interface ForeignPermanentResidenceId {
  readonly number: string
  readonly birthDate?: string
}

/**
 * Checks a foreigners' permanent residence ID number after {@link normalise}.
 *
 * - Cards issued from 1 December 2023: 18 characters, the first `9`, the birth
 *   date in characters 7 to 14 and the MOD 11-2 check character of the
 *   citizen identity number (National Immigration Administration, "新版外国人
 *   永久居留身份证机读信息规则（2023版）" / "适配性改造要点": "由 15 位（3 位拉丁
 *   字母+12 位数字）调整为 18 位（17 位数字+1 位校验位）", "首位设置为 9",
 *   "最后一位采用 MOD11-2 算法设置为校验码，与公民身份号码校验方式相同").
 *   The sex is not derived: no source found says the sequence code follows
 *   GB 11643's odd/even rule for these cards.
 * - Earlier cards (2004 and 2017 editions, both still valid): 3 Latin letters
 *   (the nationality) and 12 digits, per the same notice. Only the length and
 *   the character classes are checked: the meaning of the 12 digits is not
 *   published in a source this module could confirm.
 *
 * @example
 * ```ts
 * checkForeignPermanentResidenceId("ABC110090123105") // Either.right({ number: "ABC110090123105" })
 * ```
 * @since 0.1.0
 */
export const checkForeignPermanentResidenceId = (
  raw: string,
  today: Date = new Date()
): Either.Either<ForeignPermanentResidenceId, DocumentProblem> => {
  const number = normalise(raw)
  if (number === "") return Either.left(problem(RegistryCode.DocumentNumberMissing))
  if (SCIENTIFIC_NOTATION.test(number)) return Either.left(problem(RegistryCode.IdScientificNotation))
  if (/^[A-Z]{3}\d{12}$/.test(number)) return Either.right({ number })
  if (number.length === 18 && number.startsWith("9")) {
    return Either.map(checkIdentityNumber(number, today), (parts) => ({ number, birthDate: parts.birthDate }))
  }
  return Either.left(problem(RegistryCode.ForeignPrFormat))
}

/**
 * A passport number that passed its rules, with the issuing country when it
 * was given.
 *
 * @since 0.1.0
 */
export interface PassportNumber {
  readonly number: string
  /** ISO 3166-1 alpha-3, upper case (`CHN`). */
  readonly issuingCountry?: string
}

// PRC passports. E + 8 digits: electronic ordinary passports (from 2012); E +
// a letter other than I and O + 7 digits: issued once E + 8 digits ran out;
// G + 8 digits: ordinary passports before 2012 (validator.js, isPassportNumber
// CN, PR #1714). D, S and P (+ E): diplomatic, service and public affairs
// passports, from a third-party pattern (Flutter common_utils RegexUtil) and not
// confirmed by an official source.
const CHINESE_PASSPORT = /^(E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}|[DSP]E\d{7}|[DSP]\d{8})$/

/**
 * Checks a passport number after {@link normalise}. A passport issued by China
 * (`issuingCountry` `CHN`) follows the PRC formats; any other, or one whose
 * country is not known, is 5 to 20 letters or digits, since formats vary by
 * country. The country code is trimmed and upper-cased.
 *
 * @example
 * ```ts
 * checkPassport("e12345678", "chn") // Either.right({ number: "E12345678", issuingCountry: "CHN" })
 * ```
 * @since 0.1.0
 */
export const checkPassport = (raw: string, issuingCountry?: string): Either.Either<PassportNumber, DocumentProblem> => {
  const number = normalise(raw)
  const country = issuingCountry === undefined ? "" : normalise(issuingCountry)
  if (country !== "" && !/^[A-Z]{3}$/.test(country)) return Either.left(problem(RegistryCode.PassportCountry))
  if (number === "") return Either.left(problem(RegistryCode.DocumentNumberMissing))
  if (country === "CHN") {
    if (!CHINESE_PASSPORT.test(number)) return Either.left(problem(RegistryCode.PassportFormatChina))
  } else if (!/^[A-Z0-9]{5,20}$/.test(number)) {
    return Either.left(problem(RegistryCode.PassportFormat))
  }
  return Either.right(country === "" ? { number } : { number, issuingCountry: country })
}

/**
 * A Hong Kong, Macao or Taiwan residents' document number that passed its
 * rules. Only residence permits carry a birth date and sex.
 *
 * @since 0.1.0
 */
export interface HkMacaoTaiwanPass {
  readonly number: string
  readonly birthDate?: string
  readonly sex?: Sex
}

/**
 * Checks the number of a document of Hong Kong, Macao or Taiwan residents after
 * {@link normalise}. Accepted:
 *
 * - Mainland Travel Permit for Hong Kong and Macao residents: `H` (Hong Kong)
 *   or `M` (Macao) and 10 digits, 8 for the holder and 2 counting renewals
 *   (Ministry of Public Security, "港澳居民来往内地通行证号码规则", 2010), or `H`/`M`
 *   and the 8 holder digits alone, as on cards that print the renewal count
 *   apart (this form is common in practice; no official text was found for it).
 * - Mainland Travel Permit for Taiwan residents: 8 digits, the holder's
 *   lifelong number ("一人一号、终身不变" since 25 September 2008); older
 *   permits printed 10 digits (8 + 2 for the issue count), from Hong Kong and
 *   Macao offices followed by the issuing-office code in brackets, e.g. `(B)`.
 * - Residence permit for Hong Kong, Macao and Taiwan residents: a citizen
 *   identity number with the address code 810000, 820000 or 830000 (State
 *   Council, 港澳台居民居住证申领发放办法, 2018, art. 3), so GB 11643's birth date,
 *   sex and MOD 11-2 check character apply.
 *
 * @example
 * ```ts
 * checkHkMacaoTaiwanPass("h 1234 5678") // Either.right({ number: "H12345678" })
 * ```
 * @since 0.1.0
 */
export const checkHkMacaoTaiwanPass = (
  raw: string,
  today: Date = new Date()
): Either.Either<HkMacaoTaiwanPass, DocumentProblem> => {
  const number = normalise(raw)
  if (number === "") return Either.left(problem(RegistryCode.DocumentNumberMissing))
  if (SCIENTIFIC_NOTATION.test(number)) return Either.left(problem(RegistryCode.IdScientificNotation))
  if (/^[HM]\d{8}(\d{2})?$/.test(number)) return Either.right({ number })
  if (/^\d{8}$/.test(number) || /^\d{10}(\([A-Z0-9]\))?$/.test(number)) return Either.right({ number })
  if (number.length === 18 && /^8[123]0000/.test(number)) return checkIdentityNumber(number, today)
  return Either.left(problem(RegistryCode.HmtPassFormat))
}

// Each refusal gets a node carrying its explanation: Problems reads the code and
// reasons of a Type issue from the annotations of the issue's AST.
const explainedAsts = new Map<RegistryCode, SchemaAST.AST>(
  Object.values(RegistryCode).map((code) => [code, Problems.explain(problem(code))(Schema.String).ast])
)

const refuse = (field: string, input: unknown, actual: unknown, refused: DocumentProblem): ParseResult.ParseIssue =>
  new ParseResult.Pointer(
    field,
    input,
    // The message keeps the number out of the ParseError's own text as well.
    new ParseResult.Type(explainedAsts.get(refused.code)!, actual, `${refused.en} / ${refused["zh-CN"]}`)
  )

const notText = problem(RegistryCode.DocumentNumberNotText)

// A number that is not a string (a spreadsheet cell read as a number) is refused
// with a reason that does not echo it, unlike the generic INVALID_TYPE problem.
const NumberText = Problems.explain(notText)(Schema.String).annotations({
  message: () => `${notText.en} / ${notText["zh-CN"]}`
})

const ResidentIdCardDocument = Schema.transformOrFail(
  Schema.Struct({ type: Schema.Literal("resident_id_card"), number: NumberText }),
  Schema.Struct({
    type: Schema.Literal("resident_id_card"),
    number: Schema.String,
    birthDate: Schema.String,
    sex: Sex
  }),
  {
    strict: true,
    decode: (input) =>
      Either.match(checkResidentId(input.number), {
        onLeft: (refused) => ParseResult.fail(refuse("number", input, input.number, refused)),
        onRight: (id) => ParseResult.succeed({ type: input.type, ...id })
      }),
    encode: (document) => ParseResult.succeed({ type: document.type, number: document.number })
  }
)

const ForeignPermanentResidenceCardDocument = Schema.transformOrFail(
  Schema.Struct({ type: Schema.Literal("foreign_permanent_residence_card"), number: NumberText }),
  Schema.Struct({
    type: Schema.Literal("foreign_permanent_residence_card"),
    number: Schema.String,
    birthDate: Schema.optional(Schema.String)
  }),
  {
    strict: true,
    decode: (input) =>
      Either.match(checkForeignPermanentResidenceId(input.number), {
        onLeft: (refused) => ParseResult.fail(refuse("number", input, input.number, refused)),
        onRight: (id) => ParseResult.succeed({ type: input.type, ...id })
      }),
    encode: (document) => ParseResult.succeed({ type: document.type, number: document.number })
  }
)

const PassportDocument = Schema.transformOrFail(
  Schema.Struct({
    type: Schema.Literal("passport"),
    number: NumberText,
    issuingCountry: Schema.optional(Schema.String)
  }),
  Schema.Struct({
    type: Schema.Literal("passport"),
    number: Schema.String,
    issuingCountry: Schema.optional(Schema.String)
  }),
  {
    strict: true,
    decode: (input, _options, ast) => {
      const checked = checkPassport(input.number, input.issuingCountry)
      if (Either.isRight(checked)) return ParseResult.succeed({ type: input.type, ...checked.right })
      if (checked.left.code !== RegistryCode.PassportCountry) {
        return ParseResult.fail(refuse("number", input, input.number, checked.left))
      }
      // A bad country hides which number rule applies; the number is still checked
      // by the rule every passport meets, so both mistakes are listed at once.
      const country = refuse("issuingCountry", input, input.issuingCountry, checked.left)
      const anyCountry = checkPassport(input.number)
      return ParseResult.fail(
        Either.isLeft(anyCountry)
          ? new ParseResult.Composite(ast, input, [country, refuse("number", input, input.number, anyCountry.left)])
          : country
      )
    },
    encode: (document) =>
      ParseResult.succeed(
        document.issuingCountry === undefined
          ? { type: document.type, number: document.number }
          : { type: document.type, number: document.number, issuingCountry: document.issuingCountry }
      )
  }
)

const HkMacaoTaiwanPassDocument = Schema.transformOrFail(
  Schema.Struct({ type: Schema.Literal("hk_macao_taiwan_pass"), number: NumberText }),
  Schema.Struct({
    type: Schema.Literal("hk_macao_taiwan_pass"),
    number: Schema.String,
    birthDate: Schema.optional(Schema.String),
    sex: Schema.optional(Sex)
  }),
  {
    strict: true,
    decode: (input) =>
      Either.match(checkHkMacaoTaiwanPass(input.number), {
        onLeft: (refused) => ParseResult.fail(refuse("number", input, input.number, refused)),
        onRight: (pass) => ParseResult.succeed({ type: input.type, ...pass })
      }),
    encode: (document) => ParseResult.succeed({ type: document.type, number: document.number })
  }
)

const NoDocument = Schema.transformOrFail(
  // Any value is taken here so that a number given by mistake, of whatever type,
  // is named by its own rule instead of being silently dropped.
  Schema.Struct({ type: Schema.Literal("none"), number: Schema.optional(Schema.Unknown) }),
  Schema.Struct({ type: Schema.Literal("none") }),
  {
    strict: true,
    decode: (input) => {
      const number = input.number
      const blank = number === undefined || number === null || (typeof number === "string" && normalise(number) === "")
      return blank
        ? ParseResult.succeed({ type: input.type })
        : ParseResult.fail(refuse("number", input, number, problem(RegistryCode.DocumentNumberForNone)))
    },
    encode: (document) => ParseResult.succeed({ type: document.type })
  }
)

/**
 * A person's identity document, discriminated on `type`. Decoding normalises
 * the number and checks it by the rules of its type; a refusal names the
 * {@link RegistryCode} at `number` (or `issuingCountry`), which
 * `Problems.fromParseError` turns into a problem with that code and both
 * reasons. The decoded value adds what the number says: `birthDate` and `sex`
 * for resident ID cards and residence permits, `birthDate` for 2023
 * foreigners' permanent residence ID cards. `none` has no number.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Document)({ type: "resident_id_card", number: "23050319900101005x" })
 * // { type: "resident_id_card", number: "23050319900101005X", birthDate: "1990-01-01", sex: "male" }
 * Schema.decodeUnknownSync(Document)({ type: "none" }) // { type: "none" }
 * ```
 * @since 0.1.0
 */
export const Document = Schema.Union(
  ResidentIdCardDocument,
  ForeignPermanentResidenceCardDocument,
  PassportDocument,
  HkMacaoTaiwanPassDocument,
  NoDocument
)

/** @since 0.1.0 */
export type Document = typeof Document.Type

/** @since 0.1.0 */
export type DocumentEncoded = typeof Document.Encoded

/**
 * What a checked document says: the normalised number (absent for `none`) and,
 * where the number carries them, the birth date and sex.
 *
 * @since 0.2.0
 */
export interface CheckedDocument {
  readonly type: DocumentType
  readonly number?: string
  readonly birthDate?: string
  readonly sex?: Sex
}

/**
 * Checks a number by the rules of its document type, without a schema: the
 * bulk import's path, where a million rows make every allocation count. It
 * agrees with {@link Document}'s decoding rule for rule.
 *
 * @since 0.2.0
 */
export const checkDocument = (
  type: DocumentType,
  raw: string,
  today: Date = new Date()
): Either.Either<CheckedDocument, DocumentProblem> => {
  switch (type) {
    case "resident_id_card":
      return Either.map(checkResidentId(raw, today), (id) => ({ type, ...id }))
    case "foreign_permanent_residence_card":
      return Either.map(checkForeignPermanentResidenceId(raw, today), (id) => ({ type, ...id }))
    case "passport":
      return Either.map(checkPassport(raw), (passport) => ({ type, number: passport.number }))
    case "hk_macao_taiwan_pass":
      return Either.map(checkHkMacaoTaiwanPass(raw, today), (pass) => ({ type, ...pass }))
    case "none":
      return normalise(raw) === "" ? Either.right({ type }) : Either.left(problem(RegistryCode.DocumentNumberForNone))
  }
}
