// One lint configuration for every workspace (each runs `eslint .` from its own folder).
import tseslint from 'typescript-eslint';

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
  {
    // Scripts and benchmarks print their results.
    files: ['**/scripts/**', '**/bench/**', '**/test/**'],
    rules: { 'no-console': 'off' },
  },
);
