/**
 * Key files: the 32-byte key ID and phone numbers are sealed with, as one line
 * of base64 (what `init` writes) or 64 hex digits (what a host may already
 * keep). The database stores only the key's fingerprint, so the file is the
 * only copy of the key: `init` makes it with mode 0600 and never overwrites one.
 */
import { constants } from "node:fs"
import { open, readFile, stat, unlink } from "node:fs/promises"
import { Secrets } from "@shequ/core"
import type { Messages } from "../messages.js"
import { UsageError } from "./exit.js"

const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error)

/**
 * Reads a key file. A file that is not there is a usage error (exit 2); its
 * content is checked by the kernel (`SECRETS.KEY_INVALID`, exit 3). `loose` is
 * the file's mode when users other than its owner may read it.
 */
export const readKeyFile = async (
  path: string,
  t: Messages
): Promise<{ readonly key: string; readonly loose?: string }> => {
  let key: string
  try {
    key = await readFile(path, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(t.keyFileMissing(path))
    throw new UsageError(t.keyFileUnreadable(path, reason(error)))
  }
  const mode = (await stat(path)).mode & 0o777
  return process.platform !== "win32" && (mode & 0o077) !== 0 ? { key, loose: `0${mode.toString(8)}` } : { key }
}

/**
 * Writes a fresh random key to `path`, which must not exist yet (`O_EXCL`: two
 * `init`s racing cannot both write it), readable by its owner only.
 */
export const createKeyFile = async (path: string, t: Messages): Promise<string> => {
  const key = Secrets.generateKey()
  try {
    const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
    try {
      await file.writeFile(`${key}\n`, "utf8")
      await file.sync()
    } finally {
      await file.close()
    }
  } catch (error) {
    throw new UsageError(t.keyFileCreateFailed(path, reason(error)))
  }
  return key
}

/** Removes a key file `createKeyFile` just made, when the key was never stored. */
export const discardKeyFile = (path: string): Promise<void> => unlink(path).catch(() => undefined)
