/**
 * The page's error line, the run's progress line, and what screen readers hear (the live region
 * #announce, see announce.ts).
 */
import { Announcer } from './announce.ts';
import { $ } from './panel-dom.ts';

let announcer: Announcer | null = null;
const live = () => (announcer ??= new Announcer($('announce')));

/** Shows one message in the error line (role="alert": read out by screen readers). */
export function showError(message: string): void {
  $('error').textContent = message;
}

export function clearError(): void {
  $('error').textContent = '';
}

/** The annotation's progress bar and its text; the live region hears the stage and 25 % steps. */
export function setProgress(fraction: number, text: string, stage?: string): void {
  $<HTMLProgressElement>('progress').value = fraction;
  $('progress-text').textContent = text;
  if (stage) live().progress(stage, fraction);
}

/** Says `text` through the live region (results, cancellations, files read). */
export function announce(text: string): void {
  live().say(text);
}

/** Progress of a task other than the annotation (the UMAP, training). */
export function announceProgress(stage: string, fraction: number): void {
  live().progress(stage, fraction);
}

/** A new task starts: its first stage is announced again. */
export function announceTask(text: string): void {
  live().reset();
  live().say(text);
}
