/**
 * The registry's tables. Every key starts with `district_code`; places and
 * people carry the `scope_path` of their grid, kept by the registry and never
 * typed by anyone. ID and phone numbers are stored only as a keyed hash (for
 * look-ups and duplicates) and a ciphertext (for display to those allowed).
 */
import type { CreateTableBuilder } from "kysely"
import type { ColumnTypes, Migration, MigrationContext, Statement } from "../Migration.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Table = CreateTableBuilder<any, any>

const districtKeyed = (table: Table, types: ColumnTypes): Table =>
  table.addColumn("district_code", types.districtCode, (c) => c.notNull()).addColumn("id", types.id, (c) => c.notNull())

const parent = (table: Table, name: string, column: string, target: string): Table =>
  table.addForeignKeyConstraint(name, ["district_code", column], target, ["district_code", "id"])

export const places: Migration = {
  name: "0001_places",
  up: ({ db, types }) => [
    db.schema.alterTable("registry_district").addColumn("grid_households_min", "integer"),
    db.schema.alterTable("registry_district").addColumn("grid_households_max", "integer"),
    districtKeyed(db.schema.createTable("registry_street"), types)
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addPrimaryKeyConstraint("registry_street_pk", ["district_code", "id"])
      .addUniqueConstraint("registry_street_code_key", ["district_code", "code"])
      .addUniqueConstraint("registry_street_name_key", ["district_code", "name"])
      .addForeignKeyConstraint("registry_street_district_fk", ["district_code"], "registry_district", [
        "district_code"
      ]),
    parent(
      districtKeyed(db.schema.createTable("registry_community"), types)
        .addColumn("street_id", types.id, (c) => c.notNull())
        .addColumn("code", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_community_pk", ["district_code", "id"])
        .addUniqueConstraint("registry_community_code_key", ["district_code", "code"])
        .addUniqueConstraint("registry_community_name_key", ["district_code", "name"]),
      "registry_community_street_fk",
      "street_id",
      "registry_street"
    ),
    parent(
      districtKeyed(db.schema.createTable("registry_grid"), types)
        .addColumn("community_id", types.id, (c) => c.notNull())
        .addColumn("code", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addColumn("created_on", types.date, (c) => c.notNull())
        .addColumn("retired_on", types.date)
        .addPrimaryKeyConstraint("registry_grid_pk", ["district_code", "id"])
        .addUniqueConstraint("registry_grid_code_key", ["district_code", "code"])
        .addUniqueConstraint("registry_grid_name_key", ["district_code", "community_id", "name"]),
      "registry_grid_community_fk",
      "community_id",
      "registry_community"
    ),
    db.schema.createIndex("registry_grid_scope_idx").on("registry_grid").columns(["district_code", "scope_path"]),
    districtKeyed(db.schema.createTable("registry_compound"), types)
      .addColumn("name", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("registry_compound_pk", ["district_code", "id"])
      .addUniqueConstraint("registry_compound_name_key", ["district_code", "name"]),
    parent(
      parent(
        districtKeyed(db.schema.createTable("registry_building"), types)
          .addColumn("compound_id", types.id, (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("grid_id", types.id, (c) => c.notNull())
          .addColumn("flats", "integer")
          .addColumn("scope_path", types.scopePath, (c) => c.notNull())
          .addPrimaryKeyConstraint("registry_building_pk", ["district_code", "id"])
          .addUniqueConstraint("registry_building_name_key", ["district_code", "compound_id", "name"]),
        "registry_building_compound_fk",
        "compound_id",
        "registry_compound"
      ),
      "registry_building_grid_fk",
      "grid_id",
      "registry_grid"
    ),
    db.schema.createIndex("registry_building_grid_idx").on("registry_building").columns(["district_code", "grid_id"]),
    // Which grid a building belonged to, and when: the history behind gridOf(resident, date).
    parent(
      db.schema
        .createTable("registry_building_grid")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("building_id", types.id, (c) => c.notNull())
        .addColumn("valid_from", types.date, (c) => c.notNull())
        .addColumn("valid_to", types.date)
        .addColumn("grid_id", types.id, (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_building_grid_pk", ["district_code", "building_id", "valid_from"]),
      "registry_building_grid_building_fk",
      "building_id",
      "registry_building"
    ),
    db.schema
      .createIndex("registry_building_grid_grid_idx")
      .on("registry_building_grid")
      .columns(["district_code", "grid_id", "valid_from"]),
    parent(
      districtKeyed(db.schema.createTable("registry_dwelling"), types)
        .addColumn("building_id", types.id, (c) => c.notNull())
        .addColumn("unit", "text", (c) => c.notNull())
        .addColumn("flat", "text", (c) => c.notNull())
        .addColumn("occupancy", "text")
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_dwelling_pk", ["district_code", "id"])
        .addUniqueConstraint("registry_dwelling_flat_key", ["district_code", "building_id", "unit", "flat"]),
      "registry_dwelling_building_fk",
      "building_id",
      "registry_building"
    )
  ]
}

export const people: Migration = {
  name: "0002_people",
  up: ({ db, types }) => [
    districtKeyed(db.schema.createTable("registry_household"), types)
      .addColumn("number", "text")
      .addColumn("dwelling_id", types.id)
      .addColumn("formed_on", types.date)
      .addColumn("dissolved_on", types.date)
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addColumn("batch_id", types.id)
      .addPrimaryKeyConstraint("registry_household_pk", ["district_code", "id"])
      .addUniqueConstraint("registry_household_number_key", ["district_code", "number"])
      .addForeignKeyConstraint(
        "registry_household_dwelling_fk",
        ["district_code", "dwelling_id"],
        "registry_dwelling",
        ["district_code", "id"]
      ),
    db.schema
      .createIndex("registry_household_dwelling_idx")
      .on("registry_household")
      .columns(["district_code", "dwelling_id"]),
    // Everyone the district records: residents (with a household) and the staff,
    // officials and deputies who live elsewhere (without one).
    districtKeyed(db.schema.createTable("registry_person"), types)
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("document_type", "text", (c) => c.notNull())
      .addColumn("document_hash", "text")
      .addColumn("document_cipher", "text")
      .addColumn("birth_date", types.date)
      .addColumn("sex", "text")
      .addColumn("phone_hash", "text")
      .addColumn("phone_cipher", "text")
      .addColumn("hukou", "text")
      .addColumn("household_id", types.id)
      .addColumn("relation", "text")
      .addColumn("building_id", types.id)
      .addColumn("moved_in_on", types.date)
      .addColumn("died_on", types.date)
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addColumn("batch_id", types.id)
      .addPrimaryKeyConstraint("registry_person_pk", ["district_code", "id"])
      .addUniqueConstraint("registry_person_document_key", ["district_code", "document_hash"])
      .addForeignKeyConstraint(
        "registry_person_household_fk",
        ["district_code", "household_id"],
        "registry_household",
        ["district_code", "id"]
      ),
    db.schema.createIndex("registry_person_scope_idx").on("registry_person").columns(["district_code", "scope_path"]),
    db.schema
      .createIndex("registry_person_household_idx")
      .on("registry_person")
      .columns(["district_code", "household_id"]),
    db.schema
      .createIndex("registry_person_building_idx")
      .on("registry_person")
      .columns(["district_code", "building_id"]),
    db.schema.createIndex("registry_person_phone_idx").on("registry_person").columns(["district_code", "phone_hash"]),
    db.schema.createIndex("registry_person_batch_idx").on("registry_person").columns(["district_code", "batch_id"]),
    // Where each person lived, and when: moves, births and deaths close one row and open the next.
    parent(
      districtKeyed(db.schema.createTable("registry_residence"), types)
        .addColumn("person_id", types.id, (c) => c.notNull())
        .addColumn("household_id", types.id, (c) => c.notNull())
        .addColumn("dwelling_id", types.id, (c) => c.notNull())
        .addColumn("relation", "text", (c) => c.notNull())
        .addColumn("valid_from", types.date, (c) => c.notNull())
        .addColumn("valid_to", types.date)
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("scope_path", types.scopePath, (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_residence_pk", ["district_code", "id"]),
      "registry_residence_person_fk",
      "person_id",
      "registry_person"
    ),
    db.schema
      .createIndex("registry_residence_person_idx")
      .on("registry_residence")
      .columns(["district_code", "person_id", "valid_from"]),
    db.schema
      .createIndex("registry_residence_dwelling_idx")
      .on("registry_residence")
      .columns(["district_code", "dwelling_id", "valid_from"])
  ]
}

// Resident and household tags are the same record, set on a different subject.
const tagTable = (
  db: MigrationContext["db"],
  types: ColumnTypes,
  table: string,
  column: string,
  subject: string
): ReadonlyArray<Statement> => [
  parent(
    districtKeyed(db.schema.createTable(table), types)
      .addColumn(column, types.id, (c) => c.notNull())
      .addColumn("tag", "text", (c) => c.notNull())
      .addColumn("started_on", types.date, (c) => c.notNull())
      .addColumn("ended_on", types.date)
      .addColumn("set_by", "text", (c) => c.notNull())
      .addColumn("ended_by", "text")
      .addColumn("batch_id", types.id)
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ["district_code", "id"]),
    `${table}_${column.replace(/_id$/, "")}_fk`,
    column,
    subject
  ),
  db.schema
    .createIndex(`${table}_${column.replace(/_id$/, "")}_idx`)
    .on(table)
    .columns(["district_code", column, "tag"]),
  db.schema.createIndex(`${table}_scope_idx`).on(table).columns(["district_code", "scope_path"]),
  db.schema.createIndex(`${table}_batch_idx`).on(table).columns(["district_code", "batch_id"])
]

export const tags: Migration = {
  name: "0003_tags",
  up: ({ db, types }) => [
    ...tagTable(db, types, "registry_resident_tag", "person_id", "registry_person"),
    ...tagTable(db, types, "registry_household_tag", "household_id", "registry_household"),
    // Tags a district restricts besides those restricted everywhere (community correction).
    db.schema
      .createTable("registry_restricted_tag")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("tag", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("registry_restricted_tag_pk", ["district_code", "tag"])
      .addForeignKeyConstraint("registry_restricted_tag_district_fk", ["district_code"], "registry_district", [
        "district_code"
      ])
  ]
}

export const staff: Migration = {
  name: "0004_staff",
  up: ({ db, types }) => [
    parent(
      parent(
        districtKeyed(db.schema.createTable("registry_grid_staff"), types)
          .addColumn("person_id", types.id, (c) => c.notNull())
          .addColumn("grid_id", types.id, (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("user_id", "text")
          .addColumn("grant_id", types.id)
          .addColumn("started_on", types.date, (c) => c.notNull())
          .addColumn("ended_on", types.date)
          .addColumn("scope_path", types.scopePath, (c) => c.notNull())
          .addPrimaryKeyConstraint("registry_grid_staff_pk", ["district_code", "id"]),
        "registry_grid_staff_person_fk",
        "person_id",
        "registry_person"
      ),
      "registry_grid_staff_grid_fk",
      "grid_id",
      "registry_grid"
    ),
    db.schema
      .createIndex("registry_grid_staff_grid_idx")
      .on("registry_grid_staff")
      .columns(["district_code", "grid_id"]),
    parent(
      db.schema
        .createTable("registry_staff_duty")
        .addColumn("district_code", types.districtCode, (c) => c.notNull())
        .addColumn("staff_id", types.id, (c) => c.notNull())
        .addColumn("duty", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_staff_duty_pk", ["district_code", "staff_id", "duty"]),
      "registry_staff_duty_staff_fk",
      "staff_id",
      "registry_grid_staff"
    ),
    // DHIS2's temporary ownership: a reason, an expiry, the grantor; every read under it is audited.
    parent(
      districtKeyed(db.schema.createTable("registry_temporary_access"), types)
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("person_id", types.id, (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("granted_by", "text", (c) => c.notNull())
        .addColumn("granted_at", types.timestamp, (c) => c.notNull())
        .addColumn("expires_at", types.timestamp, (c) => c.notNull())
        .addColumn("revoked_at", types.timestamp)
        .addPrimaryKeyConstraint("registry_temporary_access_pk", ["district_code", "id"]),
      "registry_temporary_access_person_fk",
      "person_id",
      "registry_person"
    ),
    db.schema
      .createIndex("registry_temporary_access_user_idx")
      .on("registry_temporary_access")
      .columns(["user_id", "expires_at"])
  ]
}

/**
 * Rows of the places import, staged inside the import's one transaction so that
 * the rules across rows run over the whole batch; a batch's rows are deleted
 * when it settles, and never outlive a rollback.
 */
export const staging: Migration = {
  name: "0005_import_staging",
  up: ({ db, types }) => [
    db.schema
      .createTable("registry_import_place")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("batch_id", types.id, (c) => c.notNull())
      .addColumn("line", "integer", (c) => c.notNull())
      .addColumn("street", "text", (c) => c.notNull())
      .addColumn("community", "text", (c) => c.notNull())
      .addColumn("grid", "text", (c) => c.notNull())
      .addColumn("compound", "text", (c) => c.notNull())
      .addColumn("building", "text", (c) => c.notNull())
      .addColumn("flats", "integer")
      .addPrimaryKeyConstraint("registry_import_place_pk", ["district_code", "batch_id", "line"])
  ]
}

export const migrations: ReadonlyArray<Migration> = [places, people, tags, staff, staging]
