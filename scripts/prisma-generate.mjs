// Runs `prisma generate` without downloading Prisma's native schema engine, which generate
// does not need: PRISMA_SCHEMA_ENGINE_BINARY only has to name an existing file.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
// Generators such as prisma-pothos-types are resolved from node_modules/.bin.
env.PATH = [fileURLToPath(new URL('../node_modules/.bin', import.meta.url)), env.PATH].join(path.delimiter);
env.CHECKPOINT_DISABLE = '1';
const cli = fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url));
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
