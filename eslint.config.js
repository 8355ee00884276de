import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  // bench/peers is installed and type-checked on its own (its peer libraries are not in the workspace).
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'bench/peers/**', 'test/docs/snippets/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', '.ci/*.mjs', 'test/*.mjs', 'test/*/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      'max-params': ['error', 3],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // vitest's asymmetric matchers (`expect.any(String)`, `expect.objectContaining(…)`) are typed `any`.
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // Plain JavaScript scripts have no types to check against (JSON.parse and ESLint's own API are `any`).
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard's browser modules are served as they are: plain JavaScript with browser globals, no type information.
    files: ['packages/http/src/dashboard/client/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'module',
      parserOptions: { projectService: false, project: false, program: null },
      globals: Object.fromEntries(
        [
          'document',
          'window',
          'location',
          'sessionStorage',
          'fetch',
          'AbortController',
          'TextDecoderStream',
          'URLSearchParams',
          'addEventListener',
          'removeEventListener',
          'confirm',
          'setInterval',
          'clearInterval',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['**/*.d.ts'],
    plugins: {
      local: {
        rules: {
          'kebab-case-files': {
            meta: { type: 'problem', schema: [] },
            create(context) {
              const base = context.filename.split(/[\\/]/).pop() ?? ''
              if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9-]+)*\.ts$/.test(base)) {
                context.report({ loc: { line: 1, column: 0 }, message: `File name "${base}" must be kebab-case` })
              }
              return {}
            },
          },
        },
      },
    },
    rules: { 'local/kebab-case-files': 'error' },
  },
)
