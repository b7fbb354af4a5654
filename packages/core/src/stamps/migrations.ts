/**
 * The whitelist's tables. Versions are never rewritten: a new one is a new row
 * with its own entries. Decisions are one table for both outcomes, so a report
 * counts issued and refused requests in one pass; a refused row is written by
 * the module's handler of `stamps.refused`, after the request itself rolled back.
 */
import type { Migration } from "../Migration.js"

export const whitelist: Migration = {
  name: "0001_whitelist",
  up: ({ db, types }) => [
    db.schema
      .createTable("stamps_version")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("effective_on", types.date, (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("published_by", "text", (c) => c.notNull())
      .addColumn("published_at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("stamps_version_pk", ["district_code", "id"])
      .addUniqueConstraint("stamps_version_number_key", ["district_code", "number"])
      .addForeignKeyConstraint("stamps_version_district_fk", ["district_code"], "registry_district", ["district_code"]),
    db.schema
      .createIndex("stamps_version_effective_idx")
      .on("stamps_version")
      .columns(["district_code", "effective_on"]),
    // Items and plaques may be asked for by any department: their `department` is ''.
    db.schema
      .createTable("stamps_entry")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("version_id", types.id, (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("department", "text", (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("stamps_entry_pk", ["district_code", "version_id", "kind", "department", "code"])
      .addForeignKeyConstraint("stamps_entry_version_fk", ["district_code", "version_id"], "stamps_version", [
        "district_code",
        "id"
      ]),
    db.schema
      .createTable("stamps_decision")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("department", "text", (c) => c.notNull())
      .addColumn("community_code", "text", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("requested_on", types.date, (c) => c.notNull())
      // The refusal's code; null for a request granted.
      .addColumn("rule", "text")
      .addColumn("decided_by", "text", (c) => c.notNull())
      .addColumn("decided_at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("stamps_decision_pk", ["district_code", "id"])
      .addForeignKeyConstraint(
        "stamps_decision_community_fk",
        ["district_code", "community_code"],
        "registry_community",
        ["district_code", "code"]
      )
      .addForeignKeyConstraint("stamps_decision_version_fk", ["district_code", "version"], "stamps_version", [
        "district_code",
        "number"
      ]),
    db.schema
      .createIndex("stamps_decision_requested_idx")
      .on("stamps_decision")
      .columns(["district_code", "requested_on"]),
    db.schema
      .createIndex("stamps_decision_community_idx")
      .on("stamps_decision")
      .columns(["district_code", "community_code", "requested_on"])
  ]
}

export const migrations: ReadonlyArray<Migration> = [whitelist]
