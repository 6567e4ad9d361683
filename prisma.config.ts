import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate; migrate deploy on a connected machine).
// The application applies prisma/migrations itself at start (src/db/migrate.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/gospubliki' },
});
