// Prisma 7 configuration for the CLI (`prisma generate`). The schema and migrations live in the repo's top-level
// prisma/ folder. Migrations are applied by the service itself (src/db/migrate.ts), not by `prisma migrate`,
// because the native schema engine cannot be downloaded on every machine; where it can, `prisma migrate deploy`
// works on the same folder with DATABASE_URL set.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/meshboard' },
});
