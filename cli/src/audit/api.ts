/** One line of an audit log stream. */
export interface AuditEvent {
  readonly time: Date;
  readonly message: string;
}

/**
 * The audit records' storage: one CloudWatch Logs group per environment, created on first use
 * with a retention, outside every stack (so `destroy` keeps it), and one stream in it.
 */
export interface AuditApi {
  /**
   * Appends one event; creates the log group (with `retentionDays`) and the stream when missing.
   */
  append(group: string, stream: string, event: AuditEvent, retentionDays: number): Promise<void>;
  /** The newest `limit` events, newest first; none when the group or stream does not exist. */
  newest(group: string, stream: string, limit: number): Promise<AuditEvent[]>;
}
