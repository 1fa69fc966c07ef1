import type { BuildWarning } from './progress.js';

export interface Annotation {
  message: string;
  title: string;
  file?: string;
  startLine?: number;
}

/**
 * BuildKit's Dockerfile check warnings as GitHub warning annotations, the way docker/build-push-action
 * shows them: the check's detail as the title, its short text (without BuildKit's `(line N)`) and
 * docs link as the message, and the file and line when the Dockerfile is one the user committed
 * (`dockerfile`: its path relative to the workspace). The generated Dockerfile is not in the
 * repository, so its warnings carry no file (they are ours to fix, not the user's).
 */
export function warningAnnotations(warnings: readonly BuildWarning[], dockerfile?: string): Annotation[] {
  return warnings.map((w) => {
    const a: Annotation = {
      title: w.detail.join(' ') || 'Dockerfile check',
      message: `${w.short.replace(/\s\(line \d+\)$/, '')}${w.url ? `\nMore info: ${w.url}` : ''}`,
    };
    if (dockerfile) {
      a.file = dockerfile;
      if (w.line) a.startLine = w.line;
    }
    return a;
  });
}
