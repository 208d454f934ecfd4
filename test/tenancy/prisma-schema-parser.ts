import { readFile } from 'node:fs/promises';

/** One scalar field of a Prisma model, as the database must hold it. */
export interface PrismaScalarField {
  name: string;
  column: string;
  type: string;
  nativeType: string | undefined;
  isOptional: boolean;
}

/** One Prisma model and the table it maps to. */
export interface PrismaModel {
  name: string;
  table: string;
  fields: PrismaScalarField[];
}

const SCALARS = new Set([
  'String',
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'Boolean',
  'DateTime',
  'Json',
  'Bytes',
]);

/**
 * Reads the models of a `.prisma` file: enough of the grammar for our
 * schemas (models, scalar fields, @map, @@map, @db.*). Relation fields are
 * skipped: they have no column of their own.
 */
export async function readPrismaModels(path: string): Promise<PrismaModel[]> {
  const text = await readFile(path, 'utf8');
  const models: PrismaModel[] = [];
  const blocks = text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, name = '', body = ''] of blocks) {
    const model: PrismaModel = { name, table: name, fields: [] };
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (line === '') continue;
      const tableMap = /^@@map\("([^"]+)"\)/.exec(line);
      if (tableMap) model.table = tableMap[1] ?? name;
      if (line.startsWith('@@')) continue;
      const field = /^(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!field) continue;
      const [, fieldName = '', type = '', modifier, attributes = ''] = field;
      if (!SCALARS.has(type) || modifier === '[]') continue;
      model.fields.push({
        name: fieldName,
        column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? fieldName,
        type,
        nativeType: /@db\.(\w+)/.exec(attributes)?.[1],
        isOptional: modifier === '?',
      });
    }
    models.push(model);
  }
  return models;
}

/** PostgreSQL data types a Prisma scalar may be stored in. */
export function compatibleTypes(field: PrismaScalarField): string[] {
  switch (field.nativeType ?? field.type) {
    case 'Uuid':
      return ['uuid'];
    case 'Timestamptz':
      return ['timestamp with time zone'];
    case 'Timestamp':
    case 'DateTime':
      return ['timestamp without time zone'];
    case 'String':
    case 'Text':
      return ['text', 'character varying'];
    case 'Int':
    case 'Integer':
      return ['integer'];
    case 'SmallInt':
      return ['smallint'];
    case 'BigInt':
      return ['bigint'];
    case 'Float':
    case 'DoublePrecision':
      return ['double precision'];
    case 'Decimal':
      return ['numeric'];
    case 'Boolean':
      return ['boolean'];
    case 'Json':
      return ['jsonb', 'json'];
    case 'JsonB':
      return ['jsonb'];
    case 'Bytes':
      return ['bytea'];
    default:
      return [`(unsupported native type ${field.nativeType ?? field.type})`];
  }
}
