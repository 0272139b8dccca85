//! Versioned migrations. On SQLite `PRAGMA user_version` holds the version; each migration runs
//! once, in order, in its own transaction. PostgreSQL ([`postgres`]) has one migration per
//! SQLite migration with the same table shapes.

pub mod postgres;

/// Every migration, oldest first: index + 1 is the schema version it produces.
pub const MIGRATIONS: [&str; 7] = [
    // 1: the clinical record.
    r#"
    CREATE TABLE patient (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        birth_year INTEGER NOT NULL,
        sex TEXT NOT NULL CHECK (sex IN ('female', 'male')),
        fitzpatrick INTEGER NOT NULL CHECK (fitzpatrick BETWEEN 1 AND 6),
        created_at TEXT NOT NULL
    );
    CREATE TABLE screening (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        screened_at TEXT NOT NULL,
        inputs TEXT NOT NULL,
        verdict TEXT NOT NULL,
        findings TEXT NOT NULL,
        knowledge_base_version TEXT NOT NULL
    );
    CREATE TABLE consent (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        version TEXT NOT NULL,
        text_sha256 TEXT NOT NULL,
        signed_at TEXT NOT NULL
    );
    CREATE TABLE plan (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        created_at TEXT NOT NULL,
        indication TEXT NOT NULL,
        device TEXT NOT NULL,
        sessions INTEGER NOT NULL,
        interval_weeks INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        override_reason TEXT,
        body TEXT NOT NULL
    );
    CREATE TABLE session (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        plan_id INTEGER REFERENCES plan(id),
        performed_at TEXT NOT NULL,
        device TEXT NOT NULL,
        device_serial TEXT NOT NULL,
        cartridge_lot TEXT NOT NULL,
        zones TEXT NOT NULL,
        topicals TEXT NOT NULL,
        endpoint TEXT NOT NULL CHECK (endpoint IN ('erythema', 'pinpoint-bleeding')),
        operator TEXT NOT NULL,
        warnings TEXT NOT NULL
    );
    CREATE TABLE adverse_event (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        session_id INTEGER REFERENCES session(id),
        effect TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
        onset TEXT NOT NULL,
        resolved TEXT,
        action TEXT NOT NULL
    );
    CREATE TABLE outcome (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        assessed_at TEXT NOT NULL,
        scale TEXT NOT NULL,
        score REAL NOT NULL,
        assessor TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        detail TEXT NOT NULL
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#,
    // 2: before/after photo metadata, and indexes for a patient's history.
    r#"
    CREATE TABLE photo (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        taken_at TEXT NOT NULL,
        view TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        photo_consent INTEGER NOT NULL CHECK (photo_consent IN (0, 1))
    );
    CREATE INDEX session_by_patient ON session(patient_id, performed_at);
    CREATE INDEX screening_by_patient ON screening(patient_id, screened_at);
    CREATE INDEX outcome_by_patient ON outcome(patient_id, assessed_at);
    CREATE INDEX adverse_event_by_patient ON adverse_event(patient_id, onset);
    "#,
    // 3: users of the HTTP API: a role and the hash of their bearer token (never the token).
    r#"
    CREATE TABLE app_user (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('clinician', 'viewer')),
        token_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    "#,
    // 4: users are revoked, never deleted, and their ids never reused (AUTOINCREMENT); a token
    // can be rotated (a new hash replaces the old).
    r#"
    CREATE TABLE app_user_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('clinician', 'viewer')),
        token_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        rotated_at TEXT
    );
    INSERT INTO app_user_v4 (id, name, role, token_hash, created_at)
        SELECT id, name, role, token_hash, created_at FROM app_user;
    DROP TABLE app_user;
    ALTER TABLE app_user_v4 RENAME TO app_user;
    CREATE TRIGGER app_user_no_delete BEFORE DELETE ON app_user
        BEGIN SELECT RAISE(ABORT, 'users are revoked, never deleted'); END;
    "#,
    // 5: data care. Amendments and voids of a record: the old row stays, this table says what
    // replaced it (or that it is void), when, by whom and why. The audit log names patients by
    // row id, never by code, so erasing a patient leaves nothing identifying in it: the rows
    // written before this version named the code and are rewritten once, here (the only time
    // the append-only triggers are lifted, inside this migration's transaction).
    r#"
    CREATE TABLE record_change (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        kind TEXT NOT NULL CHECK (kind IN ('session', 'adverse_event', 'outcome')),
        record_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('amend', 'void')),
        replaced_by INTEGER,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        UNIQUE (kind, record_id)
    );
    DROP TRIGGER audit_log_no_update;
    UPDATE audit_log SET detail = 'patient #' || entity_id
        WHERE entity = 'patient' AND action = 'create';
    UPDATE audit_log SET detail = (
            SELECT 'patient #' || p.id || substr(audit_log.detail, length(p.code) + 1)
            FROM patient p WHERE substr(audit_log.detail, 1, length(p.code) + 2) = p.code || ': ')
        WHERE EXISTS (SELECT 1 FROM patient p
            WHERE substr(audit_log.detail, 1, length(p.code) + 2) = p.code || ': ');
    UPDATE audit_log SET detail = (
            SELECT 'history of patient #' || p.id FROM patient p
            WHERE audit_log.detail = 'history of ' || p.code)
        WHERE EXISTS (SELECT 1 FROM patient p WHERE audit_log.detail = 'history of ' || p.code);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#,
    // 6: clinical safety. An override names the screening it overrides, the contraindicated
    // rules it accepts (JSON list) and the clinician; clearances of a contraindication found
    // earlier; late-entry reasons of backdated records; the reasons for a depth past a limit and for a
    // second session on one day.
    r#"
    ALTER TABLE plan ADD COLUMN overrides_screening_id INTEGER REFERENCES screening(id);
    ALTER TABLE plan ADD COLUMN override_rules TEXT;
    ALTER TABLE plan ADD COLUMN override_clinician TEXT;
    ALTER TABLE session ADD COLUMN late_entry TEXT;
    ALTER TABLE session ADD COLUMN depth_reason TEXT;
    ALTER TABLE session ADD COLUMN same_day_reason TEXT;
    ALTER TABLE adverse_event ADD COLUMN late_entry TEXT;
    ALTER TABLE outcome ADD COLUMN late_entry TEXT;
    CREATE TABLE clearance (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id),
        rule TEXT NOT NULL,
        reason TEXT NOT NULL,
        cleared_by TEXT NOT NULL,
        cleared_at TEXT NOT NULL,
        after_screening_id INTEGER NOT NULL REFERENCES screening(id)
    );
    CREATE INDEX clearance_by_patient ON clearance(patient_id, rule);
    "#,
    // 7: the daily workflow.
    WORKFLOW_COLUMNS,
];

/// Version 7, the same on both databases: a consent names its signer and the hash of the drawn
/// signature (an image in the file store); a photo names its zone and its media type (the image
/// itself is in the file store under its hash).
pub(crate) const WORKFLOW_COLUMNS: &str = r#"
    ALTER TABLE consent ADD COLUMN signer TEXT;
    ALTER TABLE consent ADD COLUMN signature_sha256 TEXT;
    ALTER TABLE photo ADD COLUMN zone TEXT;
    ALTER TABLE photo ADD COLUMN media_type TEXT;
"#;

pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;
