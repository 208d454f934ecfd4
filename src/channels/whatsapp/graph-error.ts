import { WakalaError } from '../../shared/index.ts';

/** What the sender should do about a failed Graph API call. */
export type GraphErrorAction = 'retry' | 'template' | 'give_up';

// Codes from PROTOCOLS.md 1.8. Temporary ones are retried with backoff;
// 131047 (outside the 24-hour window) is answered with a template.
const RETRY_CODES = new Set([
  1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004,
]);
const TEMPLATE_CODES = new Set([131047]);

/**
 * A Graph API call that failed, with Meta's numeric error code when the
 * response carried one. The message never holds the recipient or the text.
 */
export class GraphApiError extends WakalaError {
  /** Meta's `error.code`, absent for network failures and bare 5xx. */
  readonly graphCode: number | undefined;
  /** HTTP status of Meta's answer; 0 when no answer came. */
  readonly status: number;
  readonly action: GraphErrorAction;

  constructor(options: {
    status: number;
    graphCode?: number;
    title?: string;
    cause?: unknown;
  }) {
    const action = classifyGraphError(options.status, options.graphCode);
    const what =
      options.graphCode === undefined ? 'no code' : `code ${options.graphCode}`;
    super(
      'whatsapp.graph_error',
      `The Graph API answered HTTP ${options.status} (${what})${options.title ? `: ${options.title}` : ''}; action: ${action}.`,
      { cause: options.cause, isRetryable: action === 'retry' },
    );
    this.name = 'GraphApiError';
    this.graphCode = options.graphCode;
    this.status = options.status;
    this.action = action;
  }
}

/**
 * Decides retry, template or give up from the HTTP status and Meta's code:
 * no answer, a 429 or a 5xx and the temporary codes are worth retrying;
 * everything else (blocked user, undeliverable, opted out, template or
 * token problems) fails the same way every time.
 */
export function classifyGraphError(
  status: number,
  graphCode: number | undefined,
): GraphErrorAction {
  if (graphCode !== undefined && TEMPLATE_CODES.has(graphCode))
    return 'template';
  if (graphCode !== undefined && RETRY_CODES.has(graphCode)) return 'retry';
  if (status === 0 || status === 429 || status >= 500) return 'retry';
  return 'give_up';
}
