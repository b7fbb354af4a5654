/**
 * Resident ID numbers and phone numbers are sensitive personal information
 * (PIPL), so they are stored so that a database file or dump alone reveals
 * neither: a keyed hash for look-up and duplicate checks, and authenticated
 * encryption for display. The key comes from the host; the database keeps only
 * its {@link SecretsService.fingerprint}, and {@link verifyFingerprint} refuses
 * any other key at start, because with a wrong key every look-up and duplicate
 * check would silently miss.
 *
 * Two suites, each from one 32-byte host key through HKDF:
 *
 * - `aes-256-gcm` (default): HKDF-SHA-256, HMAC-SHA-256, AES-256-GCM.
 * - `sm4`, for deployments assessed under the commercial-cryptography rules
 *   (密评): HKDF-SM3, HMAC-SM3, and SM4-CTR with HMAC-SM3 encrypt-then-MAC,
 *   because the OpenSSL 3.0 inside Node 20 has no SM4-GCM.
 *
 * Ciphertexts are `v1.<suite>.<keyId>.<nonce>.<body>` (nonce and body in
 * unpadded base64url; the body is the ciphertext followed by the tag), so a key
 * can be rotated: the old one goes to `previousKeys` and still decrypts.
 *
 * @since 0.1.0
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  randomFillSync,
  timingSafeEqual
} from "node:crypto"
import { Context, Effect, Either, Layer, Schema } from "effect"
import type { Text } from "../Errors.js"

/**
 * Stable error codes of this module.
 *
 * @since 0.1.0
 */
export const SecretsCode = {
  KeyInvalid: "SECRETS.KEY_INVALID",
  KeyMismatch: "SECRETS.KEY_MISMATCH",
  UnknownKey: "SECRETS.UNKNOWN_KEY",
  Tampered: "SECRETS.TAMPERED"
} as const

/** @since 0.1.0 */
export type SecretsCode = (typeof SecretsCode)[keyof typeof SecretsCode]

/** The cipher suites. @since 0.1.0 */
export type Cipher = "aes-256-gcm" | "sm4"

/** What a hash is of; each kind has its own subkey, so equal digits never collide across kinds. @since 0.1.0 */
export type SecretKind = "id_number" | "phone"

const localised = (text: Text) => `${text.en} / ${text["zh-CN"]}`

/**
 * A key, or its key id, is unusable. Says which key and what was wrong with it,
 * never the key itself (nor a bad key id, which may be a key pasted in the
 * wrong place).
 *
 * @since 0.1.0
 */
export class KeyInvalid extends Schema.TaggedError<KeyInvalid>()("KeyInvalid", {
  code: Schema.Literal(SecretsCode.KeyInvalid),
  /** `key`, or `previousKeys[i]`. */
  which: Schema.String,
  reason: Schema.Literal("length", "encoding", "keyId", "duplicateKeyId"),
  /** For `length`: bytes the key decoded to; for `encoding`: characters in the string. */
  size: Schema.optional(Schema.Number),
  /** For `length`: how the key was given. */
  given: Schema.optional(Schema.Literal("bytes", "hex", "base64")),
  /** For `duplicateKeyId` only: a valid id is safe to show. */
  keyId: Schema.optional(Schema.String)
}) {
  get text(): Text {
    switch (this.reason) {
      case "length":
        return {
          "zh-CN": `${this.which}：密钥应为 32 字节，实际为 ${this.size} 字节（${this.given}）`,
          en: `${this.which}: a key must be 32 bytes; this one is ${this.size} (${this.given})`
        }
      case "encoding":
        return {
          "zh-CN": `${this.which}：密钥既不是 64 位十六进制，也不是 Base64（共 ${this.size} 个字符）`,
          en: `${this.which}: the key is neither 64 hex digits nor base64 (${this.size} characters)`
        }
      case "keyId":
        return {
          "zh-CN": `${this.which}：密钥编号只能由 1 至 32 个字母、数字、“-”或“_”组成`,
          en: `${this.which}: a key id is 1 to 32 letters, digits, "-" or "_"`
        }
      case "duplicateKeyId":
        return {
          "zh-CN": `${this.which}：密钥编号 ${this.keyId} 与另一把密钥重复`,
          en: `${this.which}: key id ${this.keyId} is already used by another key`
        }
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * The key is not the one the database was created with (or the suite changed,
 * which changes every hash just the same).
 *
 * @since 0.1.0
 */
export class KeyMismatch extends Schema.TaggedError<KeyMismatch>()("KeyMismatch", {
  code: Schema.Literal(SecretsCode.KeyMismatch),
  stored: Schema.String,
  actual: Schema.String,
  cipher: Schema.String
}) {
  get text(): Text {
    return {
      "zh-CN":
        `数据库由指纹为 ${this.stored} 的密钥创建，当前密钥（${this.cipher}）的指纹为 ${this.actual}，拒绝启动：` +
        `换用其他密钥或算法会使查重和检索静默失效。请使用创建数据库时的密钥和算法启动；如需更换密钥，请将原密钥放入 previousKeys。`,
      en:
        `The database was created with the key whose fingerprint is ${this.stored}; this key (${this.cipher}) ` +
        `has fingerprint ${this.actual}, so start is refused: with another key or cipher, look-ups and duplicate ` +
        `checks would silently miss. Start with the key and cipher the database was created with; to change keys, ` +
        `pass that key in previousKeys.`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * A ciphertext names a key this host was not given.
 *
 * @since 0.1.0
 */
export class UnknownKey extends Schema.TaggedError<UnknownKey>()("UnknownKey", {
  code: Schema.Literal(SecretsCode.UnknownKey),
  keyId: Schema.String,
  cipher: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  get text(): Text {
    const known = this.known.join(", ")
    return {
      "zh-CN": `该密文由密钥 ${this.keyId}（${this.cipher}）加密，本机没有该密钥（已有：${known}）；请在 previousKeys 中提供它`,
      en: `This value was encrypted with key ${this.keyId} (${this.cipher}), which this host was not given (it has: ${known}); pass it in previousKeys`
    }
  }
  override get message() {
    return localised(this.text)
  }
}

/**
 * A ciphertext is malformed or fails authentication. Nothing is returned from
 * it: a wrong value shown or compared would be worse than none.
 *
 * @since 0.1.0
 */
export class Tampered extends Schema.TaggedError<Tampered>()("Tampered", {
  code: Schema.Literal(SecretsCode.Tampered),
  /** Empty when the ciphertext could not even be parsed. */
  keyId: Schema.String,
  reason: Schema.Literal("format", "authentication")
}) {
  get text(): Text {
    return this.reason === "format"
      ? {
          "zh-CN": "密文格式无效：不是本版本 shequ 加密的值，或已被改动",
          en: "Not a ciphertext this version of shequ wrote, or it was altered"
        }
      : {
          "zh-CN": `密文（密钥 ${this.keyId}）未通过完整性校验：已被篡改或截断，或由同编号的另一把密钥加密`,
          en: `A ciphertext (key ${this.keyId}) failed authentication: it was altered or truncated, or encrypted by another key with the same id`
        }
  }
  override get message() {
    return localised(this.text)
  }
}

/** Any error of this module. @since 0.1.0 */
export type SecretsError = KeyInvalid | KeyMismatch | UnknownKey | Tampered

/**
 * A key that only decrypts, kept during and after a rotation.
 *
 * @since 0.1.0
 */
export interface PreviousKey {
  readonly key: Uint8Array | string
  /** The id it encrypted under; by default derived from the key, as for the current key. */
  readonly keyId?: string
  /** The suite it was used with; by default the current key's. */
  readonly cipher?: Cipher
}

/**
 * @since 0.1.0
 */
export interface SecretsOptions {
  /** 32 bytes, or their hex or base64 (base64url too); surrounding whitespace, as in a key file, is ignored. */
  readonly key: Uint8Array | string
  /**
   * Written into every ciphertext so rotation can find the key: 1 to 32 letters,
   * digits, `-` or `_`. By default the first 8 characters of the fingerprint.
   */
  readonly keyId?: string
  /** Default `aes-256-gcm`. */
  readonly cipher?: Cipher
  /** Older keys, to decrypt what they encrypted. */
  readonly previousKeys?: ReadonlyArray<PreviousKey>
}

/** A key as the service knows it, without its material. @since 0.1.0 */
export interface KeyInfo {
  readonly keyId: string
  readonly cipher: Cipher
  readonly fingerprint: string
}

/**
 * The secrets service.
 *
 * @since 0.1.0
 */
export interface SecretsService extends KeyInfo {
  /** The keys that only decrypt. */
  readonly previous: ReadonlyArray<KeyInfo>
  /**
   * The keyed hash of an already normalised value, 64 hex digits: deterministic,
   * for unique indexes and look-ups. Normalise first (`23050319900101123x` and
   * `…X` hash differently). Strings are hashed as UTF-8.
   */
  readonly hash: (kind: SecretKind, normalisedValue: string) => string
  /** A fresh ciphertext on each call, so equal values are not visible as equal. Strings are encrypted as UTF-8. */
  readonly encrypt: (value: string) => string
  /** The value back, or why not. An `Either` is also an `Effect`, so it can be yielded in `Effect.gen`. */
  readonly decrypt: (ciphertext: string) => Either.Either<string, UnknownKey | Tampered>
}

/** @since 0.1.0 */
export class Secrets extends Context.Tag("@shequ/core/Secrets")<Secrets, SecretsService>() {}

const VERSION = "v1"
const KEY_BYTES = 32
const GCM_NONCE_BYTES = 12
const GCM_TAG_BYTES = 16
const CTR_IV_BYTES = 16
const SM3_TAG_BYTES = 32
// A fixed salt keeps these subkeys apart from anything else a host derives from the same key.
const HKDF_SALT = Buffer.from("shequ/secrets", "utf8")
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/
const HEX = /^[0-9a-fA-F]*$/
const BASE64 = /^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*)$/
const BASE64URL = /^[A-Za-z0-9_-]*$/

const digestOf = (cipher: Cipher) => (cipher === "sm4" ? "sm3" : "sha256")

const derive = (ikm: Uint8Array, cipher: Cipher, label: string, length: number): Buffer =>
  Buffer.from(hkdfSync(digestOf(cipher), ikm, HKDF_SALT, `shequ/v1/${cipher}/${label}`, length))

const subkey = (ikm: Uint8Array, cipher: Cipher, label: string, length: number): KeyObject =>
  // KeyObjects are measurably faster per call than raw buffers in createHmac and createCipheriv.
  createSecretKey(derive(ikm, cipher, label, length))

const decodeKey = (key: Uint8Array | string, which: string): Uint8Array => {
  const fail = (fields: Omit<ConstructorParameters<typeof KeyInvalid>[0], "code" | "which">) => {
    throw new KeyInvalid({ code: SecretsCode.KeyInvalid, which, ...fields })
  }
  if (typeof key !== "string") {
    if (key.length !== KEY_BYTES) fail({ reason: "length", size: key.length, given: "bytes" })
    return key
  }
  const text = key.trim()
  // Hex first: 64 hex digits are also valid base64, of 48 bytes.
  if (HEX.test(text) && text.length % 2 === 0 && text.length > 0) {
    const bytes = Buffer.from(text, "hex")
    if (bytes.length !== KEY_BYTES) fail({ reason: "length", size: bytes.length, given: "hex" })
    return bytes
  }
  if (text.length > 0 && BASE64.test(text)) {
    const bytes = Buffer.from(text, text.includes("-") || text.includes("_") ? "base64url" : "base64")
    if (bytes.length !== KEY_BYTES) fail({ reason: "length", size: bytes.length, given: "base64" })
    return bytes
  }
  return fail({ reason: "encoding", size: text.length })
}

// Nonces come from a pool refilled in one call: a randomBytes call per value costs more than the cipher.
// Each slice is used once, synchronously, before the pool can be refilled.
const pool = Buffer.alloc(4096)
let poolOffset = pool.length
const nonce = (length: number): Buffer => {
  if (poolOffset + length > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const slice = pool.subarray(poolOffset, poolOffset + length)
  poolOffset += length
  return slice
}

// Buffer.from(_, "base64url") skips stray characters and ignores trailing bits, so a
// changed character could decode to the same bytes; only the canonical text is accepted.
const decodeStrict = (text: string): Buffer | undefined => {
  if (!BASE64URL.test(text)) return undefined
  const bytes = Buffer.from(text, "base64url")
  return bytes.toString("base64url") === text ? bytes : undefined
}

interface Suite {
  readonly seal: (plaintext: string) => string
  readonly open: (nonce: Buffer, body: Buffer) => string | undefined
}

const aesGcm = (ikm: Uint8Array, header: string): Suite => {
  const key = subkey(ikm, "aes-256-gcm", "encrypt", 32)
  // The header is authenticated, so a ciphertext moved to another key id or suite fails.
  const aad = Buffer.from(header, "utf8")
  const prefix = `${header}.`
  return {
    seal: (plaintext) => {
      // Random 96-bit nonces stay safe for 2^32 values under one key (NIST SP 800-38D), thousands of
      // times a registry's lifetime of writes; rotation resets the count.
      const iv = nonce(GCM_NONCE_BYTES)
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: GCM_TAG_BYTES })
      cipher.setAAD(aad)
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()])
      return `${prefix}${iv.toString("base64url")}.${body.toString("base64url")}`
    },
    open: (iv, body) => {
      // Pinned to 16 bytes: unpinned, Node accepts a tag cut to 4 bytes, which is easy to forge.
      if (iv.length !== GCM_NONCE_BYTES || body.length < GCM_TAG_BYTES) return undefined
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: GCM_TAG_BYTES })
      decipher.setAAD(aad)
      decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES))
      try {
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)),
          decipher.final()
        ]).toString("utf8")
      } catch {
        return undefined
      }
    }
  }
}

const sm4CtrSm3 = (ikm: Uint8Array, header: string): Suite => {
  const encKey = subkey(ikm, "sm4", "encrypt", 16)
  const macKey = subkey(ikm, "sm4", "mac", 32)
  // The header holds no NUL and the IV has a fixed length, so header ‖ 0 ‖ iv ‖ ct parses one way only.
  const macHeader = Buffer.from(`${header}\0`, "utf8")
  const prefix = `${header}.`
  const tag = (iv: Buffer, ct: Buffer) => createHmac("sm3", macKey).update(macHeader).update(iv).update(ct).digest()
  return {
    seal: (plaintext) => {
      // A random whole-block IV: two values share keystream only if their IVs land within a few
      // blocks of each other, which 128 random bits make negligible.
      const iv = nonce(CTR_IV_BYTES)
      const cipher = createCipheriv("sm4-ctr", encKey, iv)
      const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
      const body = Buffer.concat([ct, tag(iv, ct)])
      return `${prefix}${iv.toString("base64url")}.${body.toString("base64url")}`
    },
    open: (iv, body) => {
      if (iv.length !== CTR_IV_BYTES || body.length < SM3_TAG_BYTES) return undefined
      const ct = body.subarray(0, body.length - SM3_TAG_BYTES)
      // Encrypt-then-MAC: nothing is decrypted before the tag is checked, in constant time.
      if (!timingSafeEqual(tag(iv, ct), body.subarray(body.length - SM3_TAG_BYTES))) return undefined
      const decipher = createDecipheriv("sm4-ctr", encKey, iv)
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8")
    }
  }
}

const fingerprintOf = (ikm: Uint8Array, cipher: Cipher): string => derive(ikm, cipher, "fingerprint", 8).toString("hex")

interface Entry extends KeyInfo {
  readonly suite: Suite
}

const entry = (
  raw: Uint8Array | string,
  keyId: string | undefined,
  cipher: Cipher,
  which: string
): { readonly ikm: Uint8Array; readonly entry: Entry } => {
  const ikm = decodeKey(raw, which)
  if (keyId !== undefined && !KEY_ID.test(keyId)) {
    throw new KeyInvalid({ code: SecretsCode.KeyInvalid, which, reason: "keyId" })
  }
  const fingerprint = fingerprintOf(ikm, cipher)
  const id = keyId ?? fingerprint.slice(0, 8)
  const header = `${VERSION}.${cipher}.${id}`
  const suite = cipher === "sm4" ? sm4CtrSm3(ikm, header) : aesGcm(ikm, header)
  return { ikm, entry: { keyId: id, cipher, fingerprint, suite } }
}

const info = ({ cipher, fingerprint, keyId }: KeyInfo): KeyInfo => ({ keyId, cipher, fingerprint })

/**
 * Builds the service, deriving every subkey once. Throws {@link KeyInvalid} for
 * a key of the wrong length or encoding, a bad key id, or two keys with one id.
 *
 * @example
 * ```ts
 * const secrets = Secrets.make({ key: process.env.SHEQU_KEY! })
 * const row = { idHash: secrets.hash("id_number", id), idCipher: secrets.encrypt(id) }
 * ```
 * @since 0.1.0
 */
export const make = (options: SecretsOptions): SecretsService => {
  const cipher = options.cipher ?? "aes-256-gcm"
  const current = entry(options.key, options.keyId, cipher, "key")
  const previous = (options.previousKeys ?? []).map(
    (p, i) => entry(p.key, p.keyId, p.cipher ?? cipher, `previousKeys[${i}]`).entry
  )

  const byId = new Map<string, Entry>()
  for (const [which, e] of [
    ["key", current.entry] as const,
    ...previous.map((e, i) => [`previousKeys[${i}]`, e] as const)
  ]) {
    const slot = `${e.cipher}.${e.keyId}`
    if (byId.has(slot)) {
      throw new KeyInvalid({ code: SecretsCode.KeyInvalid, which, reason: "duplicateKeyId", keyId: e.keyId })
    }
    byId.set(slot, e)
  }
  const known = [...byId.keys()]

  const digest = digestOf(cipher)
  const hashKeys: Record<SecretKind, KeyObject> = {
    id_number: subkey(current.ikm, cipher, "hash/id_number", 32),
    phone: subkey(current.ikm, cipher, "hash/phone", 32)
  }
  const hash = (kind: SecretKind, normalisedValue: string): string =>
    createHmac(digest, hashKeys[kind]).update(normalisedValue, "utf8").digest("hex")

  const seal = current.entry.suite.seal

  const decrypt = (ciphertext: string): Either.Either<string, UnknownKey | Tampered> => {
    const parts = ciphertext.split(".")
    if (parts.length !== 5 || parts[0] !== VERSION) {
      return Either.left(new Tampered({ code: SecretsCode.Tampered, keyId: "", reason: "format" }))
    }
    const suiteName = parts[1]!
    const keyId = parts[2]!
    const e = byId.get(`${suiteName}.${keyId}`)
    if (e === undefined) {
      // Only a well-formed id is echoed: the error must not carry whatever text sat in the column.
      return Either.left(
        (suiteName === "aes-256-gcm" || suiteName === "sm4") && KEY_ID.test(keyId)
          ? new UnknownKey({ code: SecretsCode.UnknownKey, keyId, cipher: suiteName, known })
          : new Tampered({ code: SecretsCode.Tampered, keyId: "", reason: "format" })
      )
    }
    const iv = decodeStrict(parts[3]!)
    const body = decodeStrict(parts[4]!)
    if (iv === undefined || body === undefined) {
      return Either.left(new Tampered({ code: SecretsCode.Tampered, keyId, reason: "format" }))
    }
    const plaintext = e.suite.open(iv, body)
    return plaintext === undefined
      ? Either.left(new Tampered({ code: SecretsCode.Tampered, keyId, reason: "authentication" }))
      : Either.right(plaintext)
  }

  return {
    ...info(current.entry),
    previous: previous.map(info),
    hash,
    encrypt: seal,
    decrypt
  }
}

/**
 * A layer with the given key; fails with {@link KeyInvalid} as {@link make} throws.
 *
 * @since 0.1.0
 */
export const layer = (options: SecretsOptions): Layer.Layer<Secrets, KeyInvalid> =>
  Layer.effect(Secrets, makeEffect(options))

/**
 * {@link make} as an Effect that fails with {@link KeyInvalid} instead of throwing.
 *
 * @since 0.2.0
 */
export const makeEffect = (options: SecretsOptions): Effect.Effect<SecretsService, KeyInvalid> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(make(options))
    } catch (error) {
      return error instanceof KeyInvalid ? Effect.fail(error) : Effect.die(error)
    }
  })

/**
 * What the stored fingerprint says about the key given at start.
 *
 * - `FirstStart`: none stored; store `fingerprint`.
 * - `Same`: the database's key.
 * - `Rotated`: the database's key is the previous key `from`. Every stored hash
 *   was made with it, so the kernel must re-hash (decrypt with the old key, hash
 *   with the new) before it stores `fingerprint` and serves look-ups.
 *
 * @since 0.1.0
 */
export type FingerprintCheck =
  | { readonly _tag: "FirstStart"; readonly fingerprint: string }
  | { readonly _tag: "Same"; readonly fingerprint: string }
  | { readonly _tag: "Rotated"; readonly from: string; readonly fingerprint: string }

/**
 * Compares the fingerprint stored at first start with the service's key.
 *
 * @since 0.1.0
 */
export const verifyFingerprint = (
  stored: string | undefined,
  service: SecretsService
): Either.Either<FingerprintCheck, KeyMismatch> => {
  const fingerprint = service.fingerprint
  if (stored === undefined) return Either.right({ _tag: "FirstStart", fingerprint })
  if (stored === fingerprint) return Either.right({ _tag: "Same", fingerprint })
  const old = service.previous.find((p) => p.fingerprint === stored)
  if (old !== undefined) return Either.right({ _tag: "Rotated", from: old.keyId, fingerprint })
  return Either.left(
    new KeyMismatch({ code: SecretsCode.KeyMismatch, stored, actual: fingerprint, cipher: service.cipher })
  )
}

/**
 * A new random key, base64, for a key file.
 *
 * @since 0.1.0
 */
export const generateKey = (): string => randomBytes(KEY_BYTES).toString("base64")
