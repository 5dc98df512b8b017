/** Progress events the engine emits; the CLI renders them, the core never prints. */
export type MigrateEvent =
  | { type: 'start'; revision: string; direction: 'up' | 'down'; summary: string; mode: 'transactional' | 'non-transactional' }
  | { type: 'done'; revision: string; direction: 'up' | 'down'; durationMs: number }
  | { type: 'retry'; revision: string; attempt: number; delayMs: number; message: string }
  | { type: 'notice'; message: string; revision?: string }
  | { type: 'progress'; revision: string; message: string; fraction?: number };

export type EventSink = (event: MigrateEvent) => void;
