/**
 * The service desk's tables. Every key starts with `district_code`; a request
 * and everything recorded about it carry the `scope_path` of the grid it was
 * received for, kept in step by the kernel when grids are redrawn.
 */
import type { CreateTableBuilder } from "kysely"
import type { ColumnTypes, Migration } from "../Migration.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Table = CreateTableBuilder<any, any>

/** The columns every row about a request has: its district, the request, and the grid whose scope it lies in. */
const ofRequest = (table: Table, types: ColumnTypes): Table =>
  table
    .addColumn("district_code", types.districtCode, (c) => c.notNull())
    .addColumn("request_id", types.id, (c) => c.notNull())
    .addColumn("grid_id", types.id, (c) => c.notNull())
    .addColumn("scope_path", types.scopePath, (c) => c.notNull())

const belongsToRequest = (table: Table, name: string): Table =>
  table.addForeignKeyConstraint(`${name}_request_fk`, ["district_code", "request_id"], "services_request", [
    "district_code",
    "id"
  ])

export const desk: Migration = {
  name: "0001_service_desk",
  up: ({ db, types }) => [
    // A district's own services, its redefinitions of the five every district has, and those it took off.
    db.schema
      .createTable("services_menu_item")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("label_zh", "text", (c) => c.notNull())
      .addColumn("label_en", "text", (c) => c.notNull())
      .addColumn("grid_days", "integer", (c) => c.notNull())
      .addColumn("community_days", "integer", (c) => c.notNull())
      .addColumn("street_days", "integer", (c) => c.notNull())
      .addColumn("district_days", "integer", (c) => c.notNull())
      .addColumn("roles", "text", (c) => c.notNull())
      .addColumn("defined_by", "text", (c) => c.notNull())
      .addColumn("defined_at", types.timestamp, (c) => c.notNull())
      // The first day the service is off the menu, once the district takes it off.
      .addColumn("removed_on", types.date)
      .addPrimaryKeyConstraint("services_menu_item_pk", ["district_code", "code"])
      .addForeignKeyConstraint("services_menu_item_district_fk", ["district_code"], "registry_district", [
        "district_code"
      ]),
    // A request as it stands; how it got there is in the tables below and in the events.
    db.schema
      .createTable("services_request")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("resident_id", types.id, (c) => c.notNull())
      .addColumn("grid_id", types.id, (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addColumn("service", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("received_level", "text", (c) => c.notNull())
      .addColumn("received_at", types.timestamp, (c) => c.notNull())
      .addColumn("received_by", "text", (c) => c.notNull())
      // The time limits of the service when the request was received, per level.
      .addColumn("grid_days", "integer", (c) => c.notNull())
      .addColumn("community_days", "integer", (c) => c.notNull())
      .addColumn("street_days", "integer", (c) => c.notNull())
      .addColumn("district_days", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("level", "text", (c) => c.notNull())
      .addColumn("owner", "text")
      .addColumn("deadline_at", types.timestamp, (c) => c.notNull())
      // When the sweep next acts on it: its deadline while that deadline's lapse is still to be
      // recorded; null once it is done, or once the district command centre's deadline lapsed.
      .addColumn("due_at", types.timestamp)
      .addColumn("done_at", types.timestamp)
      .addColumn("done_by", "text")
      .addColumn("resolution", "text")
      .addPrimaryKeyConstraint("services_request_pk", ["district_code", "id"])
      .addForeignKeyConstraint("services_request_resident_fk", ["district_code", "resident_id"], "registry_person", [
        "district_code",
        "id"
      ])
      .addForeignKeyConstraint("services_request_grid_fk", ["district_code", "grid_id"], "registry_grid", [
        "district_code",
        "id"
      ]),
    // The sweep's only read: the requests due by a time, smallest first. Done requests are most of the
    // table and never due, so they stay out of the index.
    db.schema
      .createIndex("services_request_due_idx")
      .on("services_request")
      .columns(["district_code", "due_at"])
      .where("due_at", "is not", null),
    db.schema.createIndex("services_request_scope_idx").on("services_request").columns(["district_code", "scope_path"]),
    db.schema
      .createIndex("services_request_received_idx")
      .on("services_request")
      .columns(["district_code", "received_at"]),
    // Done requests only: an open one is never in it, so moving one up a level (on PostgreSQL a new row version,
    // with an entry in every index that holds it) adds nothing here.
    db.schema
      .createIndex("services_request_done_idx")
      .on("services_request")
      .columns(["district_code", "done_at"])
      .where("done_at", "is not", null),
    db.schema
      .createIndex("services_request_resident_idx")
      .on("services_request")
      .columns(["district_code", "resident_id"]),
    // Who owned the request at each level, from when (首问负责制): the worker who received it, who took
    // it after it climbed, or to whom it was handed over, and why.
    belongsToRequest(
      ofRequest(db.schema.createTable("services_ownership"), types)
        .addColumn("id", types.id, (c) => c.notNull())
        .addColumn("level", "text", (c) => c.notNull())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("since", types.timestamp, (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("previous_owner", "text")
        .addColumn("reason", "text")
        .addPrimaryKeyConstraint("services_ownership_pk", ["district_code", "id"]),
      "services_ownership"
    ),
    db.schema
      .createIndex("services_ownership_request_idx")
      .on("services_ownership")
      .columns(["district_code", "request_id"]),
    db.schema
      .createIndex("services_ownership_scope_idx")
      .on("services_ownership")
      .columns(["district_code", "scope_path"]),
    belongsToRequest(
      ofRequest(db.schema.createTable("services_note"), types)
        .addColumn("id", types.id, (c) => c.notNull())
        .addColumn("author", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("written_at", types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint("services_note_pk", ["district_code", "id"]),
      "services_note"
    ),
    db.schema.createIndex("services_note_request_idx").on("services_note").columns(["district_code", "request_id"]),
    db.schema.createIndex("services_note_scope_idx").on("services_note").columns(["district_code", "scope_path"]),
    // One row per level a request climbed to: the key makes a second climb to the same level impossible,
    // whichever sweep or worker tries it.
    belongsToRequest(
      ofRequest(db.schema.createTable("services_escalation"), types)
        .addColumn("level", "text", (c) => c.notNull())
        .addColumn("from_level", "text", (c) => c.notNull())
        .addColumn("escalated_at", types.timestamp, (c) => c.notNull())
        .addColumn("cause", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("escalated_by", "text", (c) => c.notNull())
        .addColumn("deadline_at", types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint("services_escalation_pk", ["district_code", "request_id", "level"]),
      "services_escalation"
    ),
    db.schema
      .createIndex("services_escalation_at_idx")
      .on("services_escalation")
      .columns(["district_code", "escalated_at"]),
    db.schema
      .createIndex("services_escalation_scope_idx")
      .on("services_escalation")
      .columns(["district_code", "scope_path"]),
    // 责任追究制: one record per level whose deadline lapsed, against whoever held it then.
    belongsToRequest(
      ofRequest(db.schema.createTable("services_accountability"), types)
        .addColumn("level", "text", (c) => c.notNull())
        .addColumn("service", "text", (c) => c.notNull())
        .addColumn("lapsed_at", types.timestamp, (c) => c.notNull())
        .addColumn("held_by", "text")
        .addColumn("unit_path", types.scopePath, (c) => c.notNull())
        .addColumn("recorded_at", types.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint("services_accountability_pk", ["district_code", "request_id", "level"]),
      "services_accountability"
    ),
    db.schema
      .createIndex("services_accountability_lapsed_idx")
      .on("services_accountability")
      .columns(["district_code", "lapsed_at"]),
    db.schema
      .createIndex("services_accountability_scope_idx")
      .on("services_accountability")
      .columns(["district_code", "scope_path"])
  ]
}

export const migrations: ReadonlyArray<Migration> = [desk]
