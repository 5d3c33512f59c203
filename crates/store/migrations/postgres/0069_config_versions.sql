-- What intake reads before it writes (the operator's settings and calendar, goods rules,
-- warehouses, merchants, agreements) is cached per process (#15 item 2). Every change to those
-- tables bumps the operator's version in the same transaction, by trigger, so no use case can
-- forget it; a process reads the version (one row) and reloads when it moved, so a cache is never
-- stale across processes.
CREATE TABLE config_versions (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE FUNCTION bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    operator TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN operator := OLD.tenant_id; ELSE operator := NEW.tenant_id; END IF;
    INSERT INTO config_versions (tenant_id, version) VALUES (operator, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = config_versions.version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER tenants_config_version AFTER INSERT OR UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER goods_rules_config_version AFTER INSERT OR UPDATE OR DELETE ON goods_rules
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER warehouses_config_version AFTER INSERT OR UPDATE OR DELETE ON warehouses
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER calendars_config_version AFTER INSERT OR UPDATE OR DELETE ON calendars
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER merchant_agreements_config_version AFTER INSERT OR UPDATE OR DELETE ON merchant_agreements
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
