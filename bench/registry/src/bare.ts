/**
 * The bare path's row source: the residents file parsed by csv-parse directly,
 * and each row's ID number and phone sealed as the kernel seals them
 * (`packages/core/src/registry/Secrets.ts`, suite `aes-256-gcm`):
 *
 * - a keyed hash, HMAC-SHA-256 in hex, of the ID number (prefixed with its
 *   document type, as `Keys.documentHash` does) and of the phone;
 * - AES-256-GCM of each, a random 96-bit nonce per value, the key id header as
 *   associated data, written as `v1.aes-256-gcm.<keyId>.<nonce>.<ciphertext+tag>`
 *   in base64url.
 *
 * The keys are derived once with HKDF and held as KeyObjects, and nonces are
 * cut from a 4 KiB pool of random bytes refilled in one call, as the kernel
 * does: a `randomBytes` call per value would cost more than the cipher. No
 * validation, no normalisation: the bare path takes the file as written.
 */
import { createCipheriv, createHmac, createSecretKey, hkdfSync, type KeyObject, randomFillSync } from "node:crypto"
import { createReadStream } from "node:fs"
import { Ids } from "@shequ/core"
import { parse } from "csv-parse"

/** The bare table, the same on both engines but for the id's type. */
export const BARE_TABLE = "bench_resident"

export const BARE_COLUMNS = [
  "id",
  "name",
  "document_hash",
  "document_cipher",
  "phone_hash",
  "phone_cipher",
  "compound",
  "building",
  "unit",
  "flat",
  "household",
  "relation",
  "tags",
  "moved_in"
] as const

/** The DDL: a primary key and the unique index a look-up by ID number needs. */
export const bareDdl = (table: string, idType: string): ReadonlyArray<string> => [
  // `table` may be schema-qualified; the index is named in the table's schema.
  `CREATE TABLE ${table} (
    id ${idType} PRIMARY KEY,
    name text NOT NULL,
    document_hash text NOT NULL,
    document_cipher text NOT NULL,
    phone_hash text,
    phone_cipher text,
    compound text NOT NULL,
    building text NOT NULL,
    unit text NOT NULL,
    flat text NOT NULL,
    household text NOT NULL,
    relation text NOT NULL,
    tags text NOT NULL,
    moved_in text NOT NULL
  )`,
  `CREATE UNIQUE INDEX ${BARE_TABLE}_document_key ON ${table} (document_hash)`
]

export interface Sealer {
  readonly hash: (kind: "id_number" | "phone", value: string) => string
  readonly encrypt: (value: string) => string
}

/** Hash and encrypt from one 32-byte key, each subkey derived once. */
export const sealer = (key: Uint8Array): Sealer => {
  const salt = Buffer.from("bench/registry", "utf8")
  const subkey = (label: string): KeyObject =>
    createSecretKey(Buffer.from(hkdfSync("sha256", key, salt, `bench/${label}`, 32)))
  const hashKeys = { id_number: subkey("hash/id_number"), phone: subkey("hash/phone") }
  const encryptKey = subkey("encrypt")
  const header = "v1.aes-256-gcm.benchkey"
  const aad = Buffer.from(header, "utf8")
  const pool = Buffer.alloc(4096)
  let offset = pool.length
  const nonce = (): Buffer => {
    if (offset + 12 > pool.length) {
      randomFillSync(pool)
      offset = 0
    }
    const slice = pool.subarray(offset, offset + 12)
    offset += 12
    return slice
  }
  return {
    hash: (kind, value) => createHmac("sha256", hashKeys[kind]).update(value, "utf8").digest("hex"),
    encrypt: (value) => {
      const iv = nonce()
      const cipher = createCipheriv("aes-256-gcm", encryptKey, iv, { authTagLength: 16 })
      cipher.setAAD(aad)
      const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()])
      return `${header}.${iv.toString("base64url")}.${body.toString("base64url")}`
    }
  }
}

/** One row of the bare table, in {@link BARE_COLUMNS} order. */
export type BareRow = [
  id: string,
  name: string,
  documentHash: string,
  documentCipher: string,
  phoneHash: string | null,
  phoneCipher: string | null,
  compound: string,
  building: string,
  unit: string,
  flat: string,
  household: string,
  relation: string,
  tags: string,
  movedIn: string
]

// The generator's columns: 身份证号,姓名,手机号,小区,楼栋,单元,房号,户号,与户主关系,标签,入住日期
const ID = 0
const NAME = 1
const PHONE = 2

/**
 * The rows of the residents file, parsed, given a uuidv7 and sealed. The file
 * is read in 1 MiB chunks, as `Csv.readCsv` reads it.
 */
export async function* bareRows(file: string, seal: Sealer): AsyncGenerator<BareRow> {
  const parser = createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(
    parse({ from_line: 2, relax_column_count: true })
  )
  for await (const fields of parser as AsyncIterable<Array<string>>) {
    const id = fields[ID]!
    const phone = fields[PHONE]!
    yield [
      Ids.uuidv7(),
      fields[NAME]!,
      seal.hash("id_number", `resident_id_card:${id}`),
      seal.encrypt(id),
      phone === "" ? null : seal.hash("phone", phone),
      phone === "" ? null : seal.encrypt(phone),
      fields[3]!,
      fields[4]!,
      fields[5]!,
      fields[6]!,
      fields[7]!,
      fields[8]!,
      fields[9]!,
      fields[10]!
    ]
  }
}
