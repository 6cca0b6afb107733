/**
 * Writes the typed client's types (test/helpers/greenroom-api.ts) from the OpenAPI document the
 * server serves. Run after changing a route's schema: `npm run openapi:types`.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR ??= path.join(os.tmpdir(), 'greenroom-test-cache');
const fs = await import('node:fs');
const { API_TYPES_FILE, generateApiTypes, servedOpenApi } = await import('../test/helpers/openapi.ts');
fs.writeFileSync(API_TYPES_FILE, await generateApiTypes(await servedOpenApi()));
console.log(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
