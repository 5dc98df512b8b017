export {
  createExpenseWriter,
  type Expense,
  type ExpensePatch,
  type ExpenseWriter,
  type ExpenseWriterOptions,
  type WriteOptions,
  type WriteResult,
  type AuditEntry,
} from './expense-writer.js';
export { IdempotencyConflictError, ExpenseNotFoundError } from './errors.js';
export { transactionRunner, type WriterDatabase, type TxClient } from './transaction.js';
