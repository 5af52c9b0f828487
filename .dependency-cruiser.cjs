// @ts-check
/**
 * The layers of src/lib/server (docs/architecture.md), checked by `npm run lint`: a module may
 * import its own folder and the folders listed before it, never one listed after it. Type-only
 * imports count too. Tests (and their helpers in testing/) may import any layer: they build the
 * app the way `init` does.
 */
const LAYERS = [
	// core: no knowledge of tokens, sessions or Auth.js
	['config'],
	['db'],
	['metrics'],
	['http'],
	['audit'],
	['providers'],
	// domain: provider tokens and their rotation, accounts, sessions
	['tokens'],
	['account'],
	['session'],
	// everything that knows Auth.js's internals, behind one folder
	['authjs'],
	// web: hooks, guards and what only a request has
	['hooks', 'web'],
	// the composition root
	['app']
];

const SERVER = '^src/lib/server/';
const TESTS = '\\.test\\.ts$';
const folders = (layers) => `${SERVER}(${layers.flat().join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		...LAYERS.slice(0, -1).map((layer, index) => ({
			name: `${layer.join('-')}-imports-down`,
			comment: `${layer.join(' and ')} may import only the layers below: not ${LAYERS.slice(
				index + 1
			)
				.flat()
				.join(', ')}`,
			severity: /** @type {const} */ ('error'),
			from: { path: folders([layer]), pathNot: TESTS },
			to: { path: folders(LAYERS.slice(index + 1)) }
		})),
		{
			// Note: SvelteKit declares `$lib` in its generated tsconfig relative to .svelte-kit/,
			// which the checker's resolver misreads: relative paths keep every import checked.
			name: 'server-imports-server-relatively',
			comment: 'inside src/lib/server, import other server modules by a relative path',
			severity: 'error',
			from: { path: SERVER, pathNot: TESTS },
			to: { path: '^\\$lib/server/' }
		},
		{
			name: 'authjs-through-its-index',
			comment: 'outside src/lib/server/authjs, import Auth.js glue from $lib/server/authjs only',
			severity: 'error',
			from: { pathNot: ['^src/lib/server/authjs/', '^src/lib/server/testing/', TESTS] },
			to: { path: ['^src/lib/server/authjs/.', '^\\$lib/server/authjs/.'], pathNot: 'index\\.ts$' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '^(node_modules|\\.svelte-kit|build)/' },
		tsPreCompilationDeps: true,
		enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte'] }
	}
};
