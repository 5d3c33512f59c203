-- What intake reads before it writes (the operator's settings and calendar, goods rules,
-- warehouses, merchants, agreements) is cached per process (#15 item 2). Every change to those
-- tables bumps the operator's version in the same transaction, by trigger, so no use case can
-- forget it; a process reads the version (one row) and reloads when it moved, so a cache is never
-- stale across processes.
--
-- No conflict clause in the triggers: SQLite replaces a trigger's conflict handling with that of
-- the statement that fired it (an upsert of a calendar would turn OR IGNORE into an error).
CREATE TABLE config_versions (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TRIGGER tenants_config_version_insert AFTER INSERT ON tenants BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenants_config_version_update AFTER UPDATE ON tenants BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenants_config_version_delete AFTER DELETE ON tenants BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT OLD.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = OLD.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER goods_rules_config_version_insert AFTER INSERT ON goods_rules BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER goods_rules_config_version_update AFTER UPDATE ON goods_rules BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER goods_rules_config_version_delete AFTER DELETE ON goods_rules BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT OLD.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = OLD.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER warehouses_config_version_insert AFTER INSERT ON warehouses BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER warehouses_config_version_update AFTER UPDATE ON warehouses BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER warehouses_config_version_delete AFTER DELETE ON warehouses BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT OLD.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = OLD.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER calendars_config_version_insert AFTER INSERT ON calendars BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER calendars_config_version_update AFTER UPDATE ON calendars BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER calendars_config_version_delete AFTER DELETE ON calendars BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT OLD.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = OLD.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER merchant_agreements_config_version_insert AFTER INSERT ON merchant_agreements BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER merchant_agreements_config_version_update AFTER UPDATE ON merchant_agreements BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT NEW.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = NEW.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER merchant_agreements_config_version_delete AFTER DELETE ON merchant_agreements BEGIN
    INSERT INTO config_versions (tenant_id, version) SELECT OLD.tenant_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = OLD.tenant_id);
    UPDATE config_versions SET version = version + 1 WHERE tenant_id = OLD.tenant_id;
END;
