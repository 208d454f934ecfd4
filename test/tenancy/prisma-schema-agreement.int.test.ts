import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma as ControlPrisma } from '../../src/generated/control/client.ts';
import { Prisma as TenantPrisma } from '../../src/generated/tenant/client.ts';
import { migrateTenantSchema } from '../../src/tenancy/index.ts';
import {
  createTestControlPlane,
  type TestControlPlane,
} from './control-plane-fixture.ts';
import {
  compatibleTypes,
  readPrismaModels,
  type PrismaModel,
} from './prisma-schema-parser.ts';

interface Column {
  table: string;
  column: string;
  dataType: string;
  isNullable: boolean;
}

let fixture: TestControlPlane;

beforeAll(async () => {
  fixture = await createTestControlPlane('agreement');
  await migrateTenantSchema(fixture.cp.pool, 'tenant_agreement');
});

afterAll(async () => {
  await fixture?.close();
});

async function columnsOf(schema: string): Promise<Map<string, Column>> {
  const { rows } = await fixture.cp.pool.query<Column>(
    `SELECT table_name AS "table", column_name AS "column", data_type AS "dataType",
            is_nullable = 'YES' AS "isNullable"
       FROM information_schema.columns WHERE table_schema = $1`,
    [schema],
  );
  return new Map(rows.map((row) => [`${row.table}.${row.column}`, row]));
}

/** Every disagreement between the models and the migrated schema. */
function disagreements(
  models: PrismaModel[],
  columns: Map<string, Column>,
): string[] {
  const problems: string[] = [];
  for (const model of models) {
    for (const field of model.fields) {
      const where = `${model.name}.${field.name} (${model.table}.${field.column})`;
      const column = columns.get(`${model.table}.${field.column}`);
      if (!column) {
        problems.push(`${where}: no such column`);
        continue;
      }
      if (!compatibleTypes(field).includes(column.dataType)) {
        problems.push(
          `${where}: ${field.type} does not fit ${column.dataType}`,
        );
      }
      if (column.isNullable !== field.isOptional) {
        problems.push(
          `${where}: Prisma says ${field.isOptional ? 'optional' : 'required'}, column is ${column.isNullable ? 'nullable' : 'NOT NULL'}`,
        );
      }
    }
  }
  return problems;
}

/** Model and scalar field names as the generated client knows them. */
function generatedShape(
  prisma: Record<string, unknown>,
): Record<string, string[]> {
  const modelNames = Object.values(prisma.ModelName as Record<string, string>);
  return Object.fromEntries(
    modelNames.map((model) => [
      model,
      Object.values(
        prisma[`${model}ScalarFieldEnum`] as Record<string, string>,
      ).sort(),
    ]),
  );
}

const cases = [
  ['control', 'control', ControlPrisma],
  ['tenant', 'tenant_agreement', TenantPrisma],
] as const;

describe.each(cases)('the %s Prisma schema', (kind, schema, generated) => {
  let models: PrismaModel[];

  beforeAll(async () => {
    models = await readPrismaModels(
      fileURLToPath(new URL(`../../prisma/${kind}.prisma`, import.meta.url)),
    );
  });

  describe('when compared with the generated client', () => {
    it('has the same models and scalar fields (the client is up to date)', () => {
      const fromFile = Object.fromEntries(
        models.map((model) => [
          model.name,
          model.fields.map((f) => f.name).sort(),
        ]),
      );
      expect(fromFile).toEqual(
        generatedShape(generated as unknown as Record<string, unknown>),
      );
    });
  });

  describe('when compared with the migrated database', () => {
    it('finds every model table and field column with a compatible type', async () => {
      expect(models.length).toBeGreaterThan(0);
      expect(disagreements(models, await columnsOf(schema))).toEqual([]);
    });
  });
});
