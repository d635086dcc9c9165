// Small text helpers the report writers share: escaping for HTML and Markdown tables, and the sha256 they name files by.
import { createHash } from 'node:crypto';

/** Escapes text for HTML (element content and quoted attributes). */
export const escapeHtml = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Text safe inside a Markdown table cell: no pipe ends the cell, no newline ends the row. */
export const mdCell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
