import { afterAll } from 'vitest';
import { removeAllTrees } from '../helpers/tmp.js';

// Every temp tree a test file made is gone when the file ends, whatever happened.
afterAll(() => removeAllTrees());
