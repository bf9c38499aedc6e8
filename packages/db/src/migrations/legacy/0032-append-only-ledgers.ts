import { sqlMigration } from "../sql-migration.ts";

// The audit log and the money ledger can only grow: updates and deletes are refused by the database.
export const m0032AppendOnlyLedgers = sqlMigration({
  up: [
    `CREATE FUNCTION forbid_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$`,
    `CREATE TRIGGER financial_adjustment_events_append_only BEFORE UPDATE OR DELETE ON financial_adjustment_events FOR EACH ROW EXECUTE FUNCTION forbid_append_only_change()`,
    `CREATE TRIGGER admin_audit_logs_append_only BEFORE UPDATE OR DELETE ON admin_audit_logs FOR EACH ROW EXECUTE FUNCTION forbid_append_only_change()`,
  ],
  down: [
    `DROP TRIGGER admin_audit_logs_append_only ON admin_audit_logs`,
    `DROP TRIGGER financial_adjustment_events_append_only ON financial_adjustment_events`,
    `DROP FUNCTION forbid_append_only_change()`,
  ],
});
