// One lint configuration for every workspace (each runs `eslint .` from its own folder).
import tseslint from 'typescript-eslint';

const workspaces = ['protocol', 'board', 'tokens', 'service-kit', 'canvas', 'sync', 'interop', 'tsconfig'];
const frameworks = ['react', 'react-dom', 'next', 'next/*'];

/** The import rule for one workspace's source: which of our packages it may use, and nothing by relative path. */
function layer(dir, allowed) {
  const forbidden = workspaces.filter((name) => !allowed.includes(name)).map((name) => `@meshboard/${name}`);
  const frameworkFree = dir.startsWith('packages/');
  return [
    {
      files: [`${dir}/src/**/*.{ts,tsx}`, `${dir}/app/**/*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: forbidden.map((name) => ({ name, message: `${dir} must not import ${name} (imports only go down; see its README)` })),
            patterns: [
              // a subpath a package declares in its `exports` is an entry too (interop's cheap paste check,
              // which the board page loads without the importers)
              { group: ['@meshboard/*/*', '!@meshboard/interop/sniff'], message: 'import a workspace through its package entry, not its files' },
              { group: ['**/packages/**', '**/apps/**'], message: "never reach into another workspace's files by path" },
              ...(frameworkFree ? [{ group: frameworks, message: `${dir} is framework-free; React lives in apps/web only` }] : []),
            ],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '**/src/generated/**', '**/*.config.*', '**/next-env.d.ts'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Layering: imports only go down (see the README's architecture). Each workspace's source may import only the
  // workspaces listed here, never another workspace's files by relative path, and the framework-free layers
  // never import a UI framework. Tests are exempt: they may drive real services through any client.
  ...layer('packages/protocol', []),
  ...layer('packages/board', []),
  ...layer('packages/tokens', ['protocol']),
  ...layer('packages/service-kit', ['protocol']),
  ...layer('packages/canvas', ['board']),
  ...layer('packages/sync', ['protocol', 'board']),
  ...layer('packages/interop', ['board']),
  ...layer('apps/signaling', ['protocol', 'tokens', 'service-kit']),
  ...layer('apps/persistence', ['protocol', 'tokens', 'service-kit', 'board']),
  ...layer('apps/web', ['protocol', 'board', 'canvas', 'sync', 'interop']),
  ...layer('apps/cli', ['protocol', 'board', 'sync', 'interop']),
  {
    // Scripts and benchmarks print their results.
    files: ['**/scripts/**', '**/bench/**', '**/test/**'],
    rules: { 'no-console': 'off' },
  },
);
