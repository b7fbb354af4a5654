import { describe, expect, it } from "vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { Problems } from "../../src/index.js"
import {
  checkForeignPermanentResidenceId,
  checkHkMacaoTaiwanPass,
  checkPassport,
  checkResidentId,
  Document,
  documentTypeLabels,
  DocumentType,
  normalise,
  RegistryCode,
  registryReasons
} from "../../src/registry/IdentityDocument.js"

// The check character as GB 11643 states it, written apart from the module's
// table: weight 2^(i-1) mod 11 for position i counted from the right (the check
// character is i = 1), and the weighted sum of all 18 is 1 mod 11.
const checkCharacter = (body: string): string => {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (2 ** (17 - i) % 11)
  const value = (12 - (sum % 11)) % 11
  return value === 10 ? "X" : String(value)
}

// Made-up numbers: a region prefix, a birth date, a sequence, and a computed check character.
const idNumber = (region: string, birth: string, sequence: string): string => {
  const body = `${region}${birth}${sequence}`
  return body + checkCharacter(body)
}

const withCheck = (region: string, birth: string, wanted: string): string => {
  for (let s = 0; s < 1000; s++) {
    const number = idNumber(region, birth, String(s).padStart(3, "0"))
    if (number.endsWith(wanted)) return number
  }
  throw new Error(`no sequence gives check character ${wanted}`)
}

const otherCheck = (number: string): string => {
  const last = number[17] === "0" ? "1" : "0"
  return number.slice(0, 17) + last
}

const fullWidth = (s: string): string =>
  [...s].map((c) => (/[0-9A-Za-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join("")

const today = new Date("2024-05-01T04:00:00Z")

const refused = <A>(result: Either.Either<A, { code: string }>): string => {
  if (Either.isRight(result)) throw new Error("expected a refusal")
  return result.left.code
}

const accepted = <A>(result: Either.Either<A, { code: string }>): A => {
  if (Either.isLeft(result)) throw new Error(`expected acceptance, got ${result.left.code}`)
  return result.right
}

const lingdong = idNumber("230503", "19900101", "002")

describe("normalise cleans a number as people type or paste it", () => {
  it("turns full-width characters into ASCII, drops every space and upper-cases letters", () => {
    expect(normalise(" ２３０５０３ １９９００１０１\u3000００５ｘ ")).toBe("23050319900101005X")
    expect(normalise("e 1234\u200b5678")).toBe("E12345678")
  })

  it("reads the multiplication sign an input method offers for X as X", () => {
    expect(normalise("23050319900101005×")).toBe("23050319900101005X")
  })
})

describe("resident ID card numbers (GB 11643)", () => {
  it("a valid number is accepted as it is", () => {
    expect(accepted(checkResidentId(lingdong, today)).number).toBe(lingdong)
  })

  it("a resident ID with a lowercase x is accepted and normalised", () => {
    const withX = withCheck("230503", "19900101", "X")
    expect(accepted(checkResidentId(withX.toLowerCase(), today)).number).toBe(withX)
  })

  it("full-width digits from a Chinese input method are accepted", () => {
    expect(accepted(checkResidentId(fullWidth(lingdong), today)).number).toBe(lingdong)
  })

  it("spaces between the groups of digits are accepted", () => {
    const spaced = `${lingdong.slice(0, 6)} ${lingdong.slice(6, 14)} ${lingdong.slice(14)}`
    expect(accepted(checkResidentId(spaced, today)).number).toBe(lingdong)
  })

  it("birth date and sex are derived", () => {
    expect(accepted(checkResidentId(idNumber("230503", "19560229", "013"), today))).toMatchObject({
      birthDate: "1956-02-29",
      sex: "male"
    })
    expect(accepted(checkResidentId(idNumber("230503", "20011231", "020"), today))).toMatchObject({
      birthDate: "2001-12-31",
      sex: "female"
    })
  })

  it("a wrong check character is refused with REGISTRY.ID_CHECK_CHARACTER", () => {
    expect(refused(checkResidentId(otherCheck(lingdong), today))).toBe(RegistryCode.IdCheckCharacter)
  })

  it("two swapped digits are refused with REGISTRY.ID_CHECK_CHARACTER", () => {
    const swapped = lingdong.slice(0, 15) + lingdong[16] + lingdong[15] + lingdong.slice(17)
    expect(swapped).not.toBe(lingdong)
    expect(refused(checkResidentId(swapped, today))).toBe(RegistryCode.IdCheckCharacter)
  })

  it("30 February is not a birth date", () => {
    expect(refused(checkResidentId(idNumber("230503", "19900230", "002"), today))).toBe(RegistryCode.IdBirthDate)
  })

  it("29 February exists only in leap years", () => {
    expect(refused(checkResidentId(idNumber("230503", "19000229", "002"), today))).toBe(RegistryCode.IdBirthDate)
    expect(accepted(checkResidentId(idNumber("230503", "20000229", "002"), today)).birthDate).toBe("2000-02-29")
  })

  it("a birth date after today is refused", () => {
    expect(refused(checkResidentId(idNumber("230503", "20240502", "002"), today))).toBe(RegistryCode.IdBirthDate)
  })

  it("a child born today in China is accepted while it is still yesterday in UTC", () => {
    const justAfterMidnightInBeijing = new Date("2024-05-01T16:30:00Z")
    expect(accepted(checkResidentId(idNumber("230503", "20240502", "002"), justAfterMidnightInBeijing)).birthDate).toBe(
      "2024-05-02"
    )
  })

  it("a birth date before 1900 is refused", () => {
    expect(refused(checkResidentId(idNumber("230503", "18991231", "002"), today))).toBe(RegistryCode.IdBirthDate)
    expect(accepted(checkResidentId(idNumber("230503", "19000101", "002"), today)).birthDate).toBe("1900-01-01")
  })

  it("a 15-digit old card number gets its own code", () => {
    expect(refused(checkResidentId("230503900101002", today))).toBe(RegistryCode.IdOld15Digit)
  })

  it("2.30503E+17 from a spreadsheet gets its own code", () => {
    for (const shown of ["2.30503E+17", "2.30503e17", "2,30503E+17", "2.30503199001E+17", "２.３０５０３Ｅ＋１７"]) {
      expect(refused(checkResidentId(shown, today))).toBe(RegistryCode.IdScientificNotation)
    }
  })

  it("an unknown 2019 region prefix is still accepted", () => {
    // 452223 was abolished long ago, 139999 was never assigned: the cards keep what they were issued with.
    for (const region of ["452223", "139999"]) {
      expect(Either.isRight(checkResidentId(idNumber(region, "19800101", "002"), today))).toBe(true)
    }
  })

  it("a number of the wrong length is refused with REGISTRY.ID_LENGTH", () => {
    expect(refused(checkResidentId(lingdong.slice(0, 17), today))).toBe(RegistryCode.IdLength)
    expect(refused(checkResidentId(`${lingdong}1`, today))).toBe(RegistryCode.IdLength)
  })

  it("letters other than a final X are refused with REGISTRY.ID_CHARACTERS", () => {
    expect(refused(checkResidentId(`${lingdong.slice(0, 5)}O${lingdong.slice(6)}`, today))).toBe(
      RegistryCode.IdCharacters
    )
    expect(refused(checkResidentId(`${lingdong.slice(0, 17)}Y`, today))).toBe(RegistryCode.IdCharacters)
  })

  it("an empty number asks for the number", () => {
    expect(refused(checkResidentId("  ", today))).toBe(RegistryCode.DocumentNumberMissing)
  })

  it("a valid number of a foreigners' card or a residence permit is sent to its own document type", () => {
    for (const region of ["932110", "810000", "820000", "830000"]) {
      expect(refused(checkResidentId(idNumber(region, "19800101", "002"), today))).toBe(
        RegistryCode.IdOtherDocumentType
      )
    }
    expect(refused(checkResidentId("ABC110090123105", today))).toBe(RegistryCode.IdOtherDocumentType)
  })
})

describe("every generated resident ID number", () => {
  const day = 24 * 60 * 60 * 1000
  const validNumber = fc
    .record({
      // First digits 1 to 7: 8 and 9 lead to other documents' address codes.
      region: fc.integer({ min: 100000, max: 799999 }),
      birth: fc.integer({ min: Date.UTC(1900, 0, 1) / day, max: Date.UTC(2024, 4, 1) / day }),
      sequence: fc.integer({ min: 0, max: 999 })
    })
    .map(({ region, birth, sequence }) => {
      const date = new Date(birth * day).toISOString().slice(0, 10)
      return {
        number: idNumber(String(region), date.replaceAll("-", ""), String(sequence).padStart(3, "0")),
        birthDate: date,
        sex: sequence % 2 === 1 ? "male" : "female"
      }
    })

  it("passes, with its birth date and sex", () => {
    fc.assert(
      fc.property(validNumber, ({ number, birthDate, sex }) => {
        expect(checkResidentId(number, today)).toEqual(Either.right({ number, birthDate, sex }))
      })
    )
  })

  it("is refused when any one character is changed", () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, at, shift) => {
        const alphabet = at === 17 ? "0123456789X" : "0123456789"
        const from = alphabet.indexOf(id.number[at]!)
        const changed = alphabet[(from + shift) % alphabet.length]!
        fc.pre(changed !== id.number[at])
        const number = id.number.slice(0, at) + changed + id.number.slice(at + 1)
        expect(Either.isLeft(checkResidentId(number, today))).toBe(true)
      })
    )
  })

  it("is refused when two neighbouring different characters are swapped", () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 16 }), (id, at) => {
        fc.pre(id.number[at] !== id.number[at + 1])
        const number = id.number.slice(0, at) + id.number[at + 1] + id.number[at] + id.number.slice(at + 2)
        expect(Either.isLeft(checkResidentId(number, today))).toBe(true)
      })
    )
  })
})

describe("foreigners' permanent residence ID card numbers", () => {
  // 2023 format: 9, a 2-digit province of the office, a 3-digit nationality code, the birth date, a sequence.
  const newCard = idNumber("932156", "19850101", "001")

  it("an 18-character number starting with 9 is accepted with its birth date", () => {
    expect(accepted(checkForeignPermanentResidenceId(newCard, today))).toEqual({
      number: newCard,
      birthDate: "1985-01-01"
    })
  })

  it("a wrong check character on a 2023 card is refused with REGISTRY.ID_CHECK_CHARACTER", () => {
    expect(refused(checkForeignPermanentResidenceId(otherCheck(newCard), today))).toBe(RegistryCode.IdCheckCharacter)
  })

  it("an impossible birth date on a 2023 card is refused with REGISTRY.ID_BIRTH_DATE", () => {
    expect(refused(checkForeignPermanentResidenceId(idNumber("932156", "19851301", "001"), today))).toBe(
      RegistryCode.IdBirthDate
    )
  })

  it("an earlier card's 3 letters and 12 digits are accepted, lowercase and full-width too", () => {
    expect(accepted(checkForeignPermanentResidenceId("abc110090123105", today))).toEqual({ number: "ABC110090123105" })
    expect(accepted(checkForeignPermanentResidenceId(fullWidth("ABC110090123105"), today)).number).toBe(
      "ABC110090123105"
    )
  })

  it("a resident ID number under this type is refused with REGISTRY.FOREIGN_PR_FORMAT", () => {
    expect(refused(checkForeignPermanentResidenceId(lingdong, today))).toBe(RegistryCode.ForeignPrFormat)
    expect(refused(checkForeignPermanentResidenceId("AB1110090123105", today))).toBe(RegistryCode.ForeignPrFormat)
  })

  it("scientific notation from a spreadsheet gets its own code", () => {
    expect(refused(checkForeignPermanentResidenceId("9.32156E+17", today))).toBe(RegistryCode.IdScientificNotation)
  })
})

describe("passport numbers", () => {
  it("Chinese passports are E + 8 digits, E + a letter + 7 digits, or G + 8 digits", () => {
    for (const number of ["E12345678", "EA1234567", "G12345678", "DE1234567"]) {
      expect(accepted(checkPassport(number, "CHN"))).toEqual({ number, issuingCountry: "CHN" })
    }
  })

  it("a Chinese passport number in another shape is refused with REGISTRY.PASSPORT_FORMAT_CN", () => {
    for (const number of ["E1234567", "EI1234567", "X12345678", "123456789"]) {
      expect(refused(checkPassport(number, "CHN"))).toBe(RegistryCode.PassportFormatChina)
    }
  })

  it("other passports are 5 to 20 letters or digits", () => {
    expect(accepted(checkPassport("75 1234 567", "rus"))).toEqual({ number: "751234567", issuingCountry: "RUS" })
    expect(accepted(checkPassport("M1234567"))).toEqual({ number: "M1234567" })
    for (const number of ["A123", "A".repeat(21), "AB-123456"]) {
      expect(refused(checkPassport(number, "KOR"))).toBe(RegistryCode.PassportFormat)
    }
  })

  it("an issuing country that is not a 3-letter code is refused with REGISTRY.PASSPORT_COUNTRY", () => {
    expect(refused(checkPassport("E12345678", "China"))).toBe(RegistryCode.PassportCountry)
    expect(accepted(checkPassport("E12345678", " "))).toEqual({ number: "E12345678" })
  })
})

describe("Hong Kong, Macao and Taiwan residents' documents", () => {
  it("the Hong Kong and Macao residents' permit is H or M and 8 or 10 digits", () => {
    for (const number of ["H12345678", "M1234567801", "h1234567800"]) {
      expect(Either.isRight(checkHkMacaoTaiwanPass(number, today))).toBe(true)
    }
  })

  it("the Taiwan residents' permit is 8 digits, or 10 on older permits with the office code in brackets", () => {
    for (const number of ["12345678", "1234567801", "1234567801(B)", "1234567801（Ｄ）"]) {
      expect(Either.isRight(checkHkMacaoTaiwanPass(number, today))).toBe(true)
    }
  })

  it("a residence permit number starting 810000, 820000 or 830000 gives birth date and sex", () => {
    for (const region of ["810000", "820000", "830000"]) {
      expect(accepted(checkHkMacaoTaiwanPass(idNumber(region, "19940823", "002"), today))).toMatchObject({
        birthDate: "1994-08-23",
        sex: "female"
      })
    }
  })

  it("a residence permit with a wrong check character is refused with REGISTRY.ID_CHECK_CHARACTER", () => {
    expect(refused(checkHkMacaoTaiwanPass(otherCheck(idNumber("810000", "19940823", "002")), today))).toBe(
      RegistryCode.IdCheckCharacter
    )
  })

  it("anything else is refused with REGISTRY.HMT_PASS_FORMAT", () => {
    for (const number of ["K12345678", "1234567", "123456789", idNumber("840000", "19940823", "002"), lingdong]) {
      expect(refused(checkHkMacaoTaiwanPass(number, today))).toBe(RegistryCode.HmtPassFormat)
    }
  })
})

describe("the Document schema", () => {
  const decode = Schema.decodeUnknownEither(Schema.Array(Document), { errors: "all", onExcessProperty: "error" })

  it("decodes each type, normalising the number and adding what it says", () => {
    const withX = withCheck("230503", "19900101", "X")
    const decoded = Schema.decodeUnknownSync(Schema.Array(Document))([
      { type: "resident_id_card", number: fullWidth(withX.toLowerCase()) },
      { type: "foreign_permanent_residence_card", number: idNumber("932156", "19850101", "001") },
      { type: "passport", number: "e12345678", issuingCountry: "chn" },
      { type: "hk_macao_taiwan_pass", number: idNumber("830000", "19940823", "001") },
      { type: "none" }
    ])
    expect(decoded).toEqual([
      {
        type: "resident_id_card",
        number: withX,
        birthDate: "1990-01-01",
        sex: Number(withX[16]) % 2 === 1 ? "male" : "female"
      },
      {
        type: "foreign_permanent_residence_card",
        number: idNumber("932156", "19850101", "001"),
        birthDate: "1985-01-01"
      },
      { type: "passport", number: "E12345678", issuingCountry: "CHN" },
      {
        type: "hk_macao_taiwan_pass",
        number: idNumber("830000", "19940823", "001"),
        birthDate: "1994-08-23",
        sex: "male"
      },
      { type: "none" }
    ])
  })

  it("a newborn may have no document, and then no number", () => {
    expect(Schema.decodeUnknownSync(Document)({ type: "none" })).toEqual({ type: "none" })
    expect(Schema.decodeUnknownSync(Document)({ type: "none", number: " " })).toEqual({ type: "none" })
    expect(Schema.decodeUnknownSync(Document)({ type: "none", number: null })).toEqual({ type: "none" })
    const result = decode([{ type: "none", number: lingdong }])
    expect(Either.isLeft(result) && Problems.fromParseError(result.left).map((p) => `${p.path}:${p.code}`)).toEqual([
      `[0].number:${RegistryCode.DocumentNumberForNone}`
    ])
  })

  it("decoding bad documents with { errors: 'all' } lists every problem with its REGISTRY code, both languages, and never the number", () => {
    const badCheck = otherCheck(lingdong)
    const badDate = idNumber("230503", "19900230", "002")
    const numbers = [badCheck, "1.10105E+17", "230503900101002", badDate, "E1234567", "X9", "K12345678", lingdong]
    const result = decode([
      { type: "resident_id_card", number: badCheck },
      { type: "resident_id_card", number: "1.10105E+17" },
      { type: "resident_id_card", number: "230503900101002" },
      { type: "resident_id_card", number: badDate },
      { type: "passport", number: "E1234567", issuingCountry: "CHN" },
      { type: "passport", number: "X9", issuingCountry: "China" },
      { type: "hk_macao_taiwan_pass", number: "K12345678" },
      { type: "none", number: lingdong },
      { type: "resident_id_card", number: 230503199001010020 }
    ])
    if (Either.isRight(result)) throw new Error("expected a failure")
    const problems = Problems.fromParseError(result.left, ["people"])
    expect(problems.map((p) => `${p.path}:${p.code}`)).toEqual([
      `people[0].number:${RegistryCode.IdCheckCharacter}`,
      `people[1].number:${RegistryCode.IdScientificNotation}`,
      `people[2].number:${RegistryCode.IdOld15Digit}`,
      `people[3].number:${RegistryCode.IdBirthDate}`,
      `people[4].number:${RegistryCode.PassportFormatChina}`,
      `people[5].issuingCountry:${RegistryCode.PassportCountry}`,
      `people[5].number:${RegistryCode.PassportFormat}`,
      `people[6].number:${RegistryCode.HmtPassFormat}`,
      `people[7].number:${RegistryCode.DocumentNumberForNone}`,
      `people[8].number:${RegistryCode.DocumentNumberNotText}`
    ])
    for (const p of problems) {
      expect(p).toMatchObject(registryReasons[p.code as RegistryCode])
      expect(p["zh-CN"]).not.toBe("")
      expect(p.en).not.toBe("")
    }
    const texts = [JSON.stringify(problems), result.left.message]
    for (const text of texts) {
      for (const number of [...numbers, "230503199001010020", "230503199001010000"]) {
        expect(text).not.toContain(number)
      }
      // Nor a long run of the number's digits.
      expect(text).not.toContain(lingdong.slice(0, 12))
    }
  })

  it("a missing number and an unknown document type are named", () => {
    const result = decode([{ type: "resident_id_card" }, { type: "driving_licence", number: "123" }])
    if (Either.isRight(result)) throw new Error("expected a failure")
    expect(Problems.fromParseError(result.left).map((p) => `${p.path}:${p.code}`)).toEqual([
      "[0].number:REQUIRED",
      "[1].type:INVALID_TYPE"
    ])
  })

  it("encodes back to the type and the normalised number", () => {
    const decoded = Schema.decodeUnknownSync(Document)({ type: "resident_id_card", number: fullWidth(lingdong) })
    expect(Schema.encodeSync(Document)(decoded)).toEqual({ type: "resident_id_card", number: lingdong })
    const passport = Schema.decodeUnknownSync(Document)({ type: "passport", number: "m1234567" })
    expect(Schema.encodeSync(Document)(passport)).toEqual({ type: "passport", number: "M1234567" })
  })
})

describe("the catalogue", () => {
  it("every code is namespaced REGISTRY and has a reason in both languages that says what to do", () => {
    for (const code of Object.values(RegistryCode)) {
      expect(code).toMatch(/^REGISTRY\.[A-Z0-9_]+$/)
      const reason = registryReasons[code]
      expect(reason["zh-CN"]).toMatch(/请/)
      expect(reason.en.length).toBeGreaterThan(40)
      // A reason quotes no document number: no run of digits longer than an address code.
      expect(`${reason["zh-CN"]} ${reason.en}`).not.toMatch(/\d{7,}/)
    }
  })

  it("every document type has a label in both languages", () => {
    for (const type of DocumentType.literals) {
      expect(documentTypeLabels[type]["zh-CN"]).not.toBe("")
      expect(documentTypeLabels[type].en).not.toBe("")
    }
  })
})
