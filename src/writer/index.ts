export { pgPoolTransactor, pgliteTransactor, type Transactor, type Tx } from './transactor.js';
