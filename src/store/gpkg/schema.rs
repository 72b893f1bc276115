//! The GeoPackage's tables: the standard's own (spatial reference systems, contents, geometry columns,
//! extensions), one feature table per collection with its R-tree spatial index, and Footprint's attribute tables
//! (the change log, the accounts, the stored catalog).

use rusqlite::{Connection, params};

use super::geometry::WGS84;

/// `PRAGMA application_id` of a GeoPackage: "GPKG".
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of GeoPackage 1.2.
pub const USER_VERSION: i32 = 10_200;

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;

/// Creates the standard's tables and Footprint's own (once, in a new file).
pub fn create(connection: &Connection, store_id: &str) -> rusqlite::Result<()> {
    connection.pragma_update(None, "application_id", APPLICATION_ID)?;
    connection.pragma_update(None, "user_version", USER_VERSION)?;
    connection.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, \
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, \
           description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, \
           identifier TEXT UNIQUE, description TEXT DEFAULT '', \
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, \
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, \
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, \
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), \
           CONSTRAINT uk_gc_table_name UNIQUE (table_name), \
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), \
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, \
           definition TEXT NOT NULL, scope TEXT NOT NULL, \
           CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
         CREATE TABLE footprint_versions (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, \
           feature_id TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL, stage TEXT NOT NULL, \
           publishes INTEGER, at DATETIME NOT NULL, role TEXT NOT NULL, account TEXT NOT NULL, \
           reason TEXT NOT NULL, changed TEXT NOT NULL, feature TEXT NOT NULL);
         CREATE INDEX footprint_versions_feature ON footprint_versions (collection, feature_id, seq);
         CREATE INDEX footprint_versions_stage ON footprint_versions (stage, seq);
         CREATE TABLE footprint_accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, token_id TEXT NOT NULL UNIQUE, \
           token_hash TEXT NOT NULL, created DATETIME NOT NULL, revoked DATETIME);
         CREATE TABLE footprint_files (name TEXT PRIMARY KEY, content BLOB NOT NULL);",
    )?;
    connection.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES \
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'), \
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'), \
           ('WGS 84 geodetic', ?1, 'EPSG', ?1, ?2, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        params![WGS84, WGS84_WKT],
    )?;
    // The change log is an attribute table of the GeoPackage: GDAL and QGIS list it next to the layers (and, since
    // one attribute table is registered, do not list the unregistered accounts and files tables).
    connection.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES \
           ('footprint_versions', 'attributes', 'footprint_versions', \
            'Every version of every feature: drafts, publications, retirements, with when, who and why')",
        [],
    )?;
    connection
        .execute("INSERT INTO footprint_files (name, content) VALUES ('store_id', ?1)", params![store_id.as_bytes()])?;
    Ok(())
}

/// Quotes an SQL identifier.
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates the feature table of a collection with its spatial index, if it does not exist yet.
pub fn ensure_feature_table(connection: &Connection, table: &str, title: &str) -> rusqlite::Result<()> {
    let exists: i64 =
        connection.query_row("SELECT count(*) FROM gpkg_contents WHERE table_name = ?1", [table], |r| r.get(0))?;
    if exists > 0 {
        return Ok(());
    }
    let t = quoted(table);
    let rtree = quoted(&format!("rtree_{table}_geom"));
    connection.execute_batch(&format!(
        "CREATE TABLE {t} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, id TEXT NOT NULL UNIQUE, \
           name TEXT, kind TEXT, start DATE, \"end\" DATE, confidence TEXT, version INTEGER NOT NULL, \
           updated DATETIME NOT NULL, feature TEXT NOT NULL);
         CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy);"
    ))?;
    connection.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) \
         VALUES (?1, 'features', ?1, ?2, ?3)",
        params![table, title, WGS84],
    )?;
    connection
        .execute("INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'POINT', ?2, 0, 0)", params![table, WGS84])?;
    connection.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', \
           'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        [table],
    )?;
    // The spatial index extension's triggers (GeoPackage 1.2), keeping the R-tree in step with the table.
    let index = |suffix: &str| quoted(&format!("rtree_{table}_geom_{suffix}"));
    let values = "(NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom))";
    connection.execute_batch(&format!(
        "CREATE TRIGGER {insert} AFTER INSERT ON {t} WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) \
           BEGIN INSERT OR REPLACE INTO {rtree} VALUES {values}; END;
         CREATE TRIGGER {update1} AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND \
           (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) \
           BEGIN INSERT OR REPLACE INTO {rtree} VALUES {values}; END;
         CREATE TRIGGER {update2} AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND \
           (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) \
           BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; END;
         CREATE TRIGGER {update3} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND \
           (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) \
           BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; INSERT OR REPLACE INTO {rtree} VALUES {values}; END;
         CREATE TRIGGER {update4} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND \
           (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) \
           BEGIN DELETE FROM {rtree} WHERE id IN (OLD.fid, NEW.fid); END;
         CREATE TRIGGER {delete} AFTER DELETE ON {t} WHEN OLD.geom NOT NULL \
           BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; END;",
        insert = index("insert"),
        update1 = index("update1"),
        update2 = index("update2"),
        update3 = index("update3"),
        update4 = index("update4"),
        delete = index("delete"),
    ))?;
    Ok(())
}
