export { ExpenseWriter, ExpenseValidationError, type ExpenseRow, type WriteResult, type WriterOptions, type CallOptions } from './expense-writer.js';
export { pgPoolTransactor, pgliteTransactor, type Transactor, type Tx } from './transactor.js';
