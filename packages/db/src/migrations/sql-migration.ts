import { Migration } from "@mikro-orm/migrations";

export type SqlMigrationClass = new (...args: ConstructorParameters<typeof Migration>) => Migration;

/** A migration that is nothing but SQL, one statement per array entry, run in one transaction. */
export function sqlMigration(spec: { up: readonly string[]; down: readonly string[] }): SqlMigrationClass {
  return class extends Migration {
    override up(): void {
      for (const statement of spec.up) this.addSql(statement);
    }

    override down(): void {
      for (const statement of spec.down) this.addSql(statement);
    }
  };
}
