import type { BulkInsert, StorageTx, TxMode } from "@shequ/core"
import type pg from "pg"
import { transactionDb } from "./connection.js"
import { copyRows } from "./copy.js"
import { migrationLockKey } from "./lock.js"
import { ident, qualified } from "./sql.js"

const BEGIN: Readonly<Record<TxMode, string>> = {
  write: "BEGIN",
  read: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
  migrate: "BEGIN"
}

let stagingTables = 0

/**
 * Opens a transaction on a client of `pool`. The client stays checked out until
 * `commit` or `rollback`, which release it exactly once.
 */
export const openTransaction = async (pool: pg.Pool, schema: string, mode: TxMode): Promise<StorageTx> => {
  const client = await pool.connect()
  // pg-pool listens for errors only on idle clients: without this, a server
  // that drops the connection mid-transaction would crash the process with an
  // unhandled 'error' event. The error is kept so the client is destroyed.
  let broken: Error | undefined
  const onError = (error: Error) => {
    broken = error
  }
  client.on("error", onError)
  let released = false
  const release = (error?: Error) => {
    if (released) return
    released = true
    client.removeListener("error", onError)
    client.release(error ?? broken)
  }

  try {
    // Every statement names the schema; a raw one that forgets it still lands in
    // the schema, never in `public`. SET LOCAL lasts as long as the transaction,
    // so it holds under a pooler in transaction mode too.
    await client.query(`${BEGIN[mode]}; SET LOCAL search_path TO ${ident(schema)}`)
    if (mode === "migrate") {
      await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [migrationLockKey(schema)])
      // Looked up first, under the lock: CREATE SCHEMA checks the CREATE privilege
      // on the database even when the schema exists, which a locked-down host may
      // not grant once its DBA has made the schema.
      const found = await client.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [schema])
      if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`)
    }
  } catch (error) {
    release(error as Error)
    throw error
  }

  // One statement at a time, in call order, even when callers overlap them (an
  // Effect.all over queries): pg's own queueing is deprecated and goes in pg 9.
  let last: Promise<unknown> = Promise.resolve()
  const serial = <A>(work: () => Promise<A>): Promise<A> => {
    const next = last.then(work, work)
    last = next.catch(() => {})
    return next
  }
  // Once released, the client may already carry another caller's transaction.
  const whileOpen = <A>(work: () => Promise<A>): Promise<A> =>
    serial(() => (released ? Promise.reject(new Error("This transaction has already ended")) : work()))

  const insertRows = async ({ table, columns, rows, onConflict }: BulkInsert): Promise<number> => {
    const target = qualified(schema, table)
    const list = columns.map(ident).join(", ")
    // A bare COPY aborts the whole transaction on the first conflict, which is
    // exactly what "error" asks for.
    if (onConflict === undefined || onConflict.kind === "error") {
      return copyRows(client, `COPY ${target} (${list}) FROM STDIN`, rows)
    }
    if (onConflict.kind === "update" && onConflict.set.length === 0) {
      throw new TypeError(`bulkInsert into ${table}: onConflict "update" needs at least one column to set`)
    }
    const staging = `pg_temp.${ident(`shequ_bulk_${++stagingTables}`)}`
    const key = onConflict.key.map(ident).join(", ")
    await client.query(`CREATE TEMP TABLE ${staging} (LIKE ${target} INCLUDING DEFAULTS) ON COMMIT DROP`)
    await copyRows(client, `COPY ${staging} (${list}) FROM STDIN`, rows)
    // A fresh temp table is scanned in insertion order (never in parallel), so
    // DO NOTHING keeps the first of two rows with one key. DO UPDATE cannot touch
    // a row twice in one statement, so duplicates are reduced to the last one
    // (the highest ctid), as row-by-row upserts would leave them.
    const insert =
      onConflict.kind === "ignore"
        ? `INSERT INTO ${target} (${list}) SELECT ${list} FROM ${staging} ON CONFLICT (${key}) DO NOTHING`
        : `INSERT INTO ${target} (${list}) SELECT DISTINCT ON (${key}) ${list} FROM ${staging} ` +
          `ORDER BY ${key}, ctid DESC ON CONFLICT (${key}) DO UPDATE SET ` +
          onConflict.set.map((column) => `${ident(column)} = EXCLUDED.${ident(column)}`).join(", ")
    const result = await client.query(insert)
    await client.query(`DROP TABLE ${staging}`)
    return result.rowCount ?? 0
  }

  const commit = async (): Promise<void> => {
    let result: pg.QueryResult
    try {
      result = await client.query("COMMIT")
    } catch (error) {
      release(error as Error)
      throw error
    }
    release()
    // The server answers COMMIT of a transaction an earlier error aborted with ROLLBACK.
    if (result.command === "ROLLBACK") {
      throw Object.assign(new Error("The transaction was aborted by an earlier error and has been rolled back"), {
        code: "25P02"
      })
    }
  }

  const rollback = async (): Promise<void> => {
    if (released) return
    try {
      await client.query("ROLLBACK")
      release()
    } catch (error) {
      // Destroying the connection makes the server roll back, so the rollback
      // has happened either way; throwing would only hide the caller's own error.
      release(error as Error)
    }
  }

  return {
    db: transactionDb((config) => whileOpen(() => client.query(config)), schema),
    bulkInsert: (request) => whileOpen(() => insertRows(request)),
    commit: () => whileOpen(commit),
    rollback: () => serial(rollback)
  }
}
