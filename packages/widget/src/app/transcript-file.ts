// The visitor's copy of their conversation: a plain-text file, built in the browser.
import type { TimelineEntry } from '@parley/client';
import { format, type Strings } from './i18n';

function transcriptText(siteName: string, strings: Strings, entries: readonly TimelineEntry[]): string {
  const lines = entries.map((entry) => {
    const who =
      !('author' in entry) || entry.author.kind === 'visitor' ? strings.you : (entry.author.name ?? siteName);
    return `[${new Date(entry.createdAt).toLocaleString()}] ${who}: ${entry.body}`;
  });
  return `${format(strings.transcriptOf, { site: siteName })}\n\n${lines.join('\n')}\n`;
}

export function downloadTranscript(
  siteName: string,
  strings: Strings,
  entries: readonly TimelineEntry[],
): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(
    new Blob([transcriptText(siteName, strings, entries)], { type: 'text/plain;charset=utf-8' }),
  );
  link.download = `${siteName.replace(/[^\w-]+/g, '-')}-conversation.txt`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
