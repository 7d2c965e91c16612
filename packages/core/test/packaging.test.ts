/**
 * Every package loads from its built output both as ESM (`import`) and as CommonJS (`require`,
 * through Node's require(esm), Node ≥ 20.19), with types beside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const packages: Array<[string, string]> = [
  ['core', 'createAuthenticator'],
  ['express', 'authenticate'],
  ['koa', 'authenticate'],
  ['testing', 'createTestIssuer'],
];

function node(cwd: string, args: string[]): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim();
}

beforeAll(() => {
  for (const [name] of packages) {
    const dir = join(root, 'packages', name);
    if (!existsSync(join(dir, 'dist', 'index.js'))) {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir });
    }
  }
}, 120_000);

describe.each(packages)('@portcullis/%s', (name, exported) => {
  // A package can load itself by name through its own exports map, as a consumer would.
  const dir = join(root, 'packages', name);

  it('loads with import()', () => {
    const out = node(dir, ['--input-type=module', '-e', `const m = await import('@portcullis/${name}'); console.log(typeof m.${exported})`]);
    expect(out).toBe('function');
  });

  it('loads with require()', () => {
    const out = node(dir, ['-e', `const m = require('@portcullis/${name}'); console.log(typeof m.${exported})`]);
    expect(out).toBe('function');
  });

  it('ships type declarations', () => {
    expect(existsSync(join(dir, 'dist', 'index.d.ts'))).toBe(true);
  });
});
