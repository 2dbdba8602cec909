/** The page's error line and the run's progress line. */
import { $ } from './panel-dom.ts';

/** Shows one message in the error line (role="alert": read out by screen readers). */
export function showError(message: string): void {
  $('error').textContent = message;
}

export function clearError(): void {
  $('error').textContent = '';
}

/** The annotation's progress bar and its text. */
export function setProgress(fraction: number, text: string): void {
  $<HTMLProgressElement>('progress').value = fraction;
  $('progress-text').textContent = text;
}
