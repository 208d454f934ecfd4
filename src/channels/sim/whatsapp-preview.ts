import type { OutboundPayload } from '../whatsapp/index.ts';

/** A choice the person can make by typing its number in the simulator. */
export interface PreviewChoice {
  digits: string;
  id: string;
}

/** WhatsApp messages shown as plain text, with the choices they offer. */
export interface WhatsappPreview {
  lines: string[];
  choices: PreviewChoice[];
}

interface Interactive {
  type: string;
  body?: { text?: string };
  action?: {
    button?: string;
    buttons?: Array<{ reply: { id: string; title: string } }>;
    sections?: Array<{
      title?: string;
      rows: Array<{ id: string; title: string; description?: string }>;
    }>;
  };
}

/**
 * Shows rendered WhatsApp payloads as a terminal person would read them: a
 * list or a row of buttons becomes numbered lines, and typing a number
 * stands for tapping that row (the simulator sends the row's id, as
 * WhatsApp's `list_reply` does).
 */
export function previewWhatsapp(
  payloads: readonly OutboundPayload[],
): WhatsappPreview {
  const lines: string[] = [];
  const choices: PreviewChoice[] = [];
  for (const payload of payloads) {
    if (payload.type === 'text') {
      lines.push((payload.text as { body: string }).body, '');
      continue;
    }
    const interactive = payload.interactive as Interactive | undefined;
    if (!interactive) continue;
    lines.push(interactive.body?.text ?? '');
    if (interactive.type === 'location_request_message') {
      lines.push(
        '  [Send location] (type /pin <lat> <long>, or type an address)',
      );
    }
    const rows = [
      ...(interactive.action?.buttons?.map((b) => b.reply) ?? []),
      ...(interactive.action?.sections?.flatMap((s) => s.rows) ?? []),
    ];
    if (interactive.action?.button)
      lines.push(`  [${interactive.action.button}]`);
    rows.forEach((row, index) => {
      const digits = String(index + 1);
      choices.push({ digits, id: row.id });
      const description =
        'description' in row && typeof row.description === 'string'
          ? ` - ${row.description}`
          : '';
      lines.push(`  ${digits}. ${row.title}${description}`);
    });
    lines.push('');
  }
  return { lines, choices };
}
