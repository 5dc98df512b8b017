import { inject } from 'vitest';

// Every test process, and every CLI it starts, uses the run's fresh-cluster cache (see fresh-pglite-snapshot.ts).
process.env.FINBRAIN_CACHE_DIR = inject('finbrainCacheDir');
