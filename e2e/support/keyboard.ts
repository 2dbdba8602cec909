/**
 * Keyboard-only driving of a page in the e2e tests: Tab until a control has the focus (checking
 * on the way that each focused element shows a focus ring and that the tab order follows the
 * document), and a recorder that counts every mouse or pointer event the page receives, so a
 * test can prove it used no mouse at all.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** Installs (before any page script) the counter of trusted mouse/pointer events: window.__mouseEvents. */
export async function recordMouseEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __mouseEvents: string[] };
    w.__mouseEvents = [];
    for (const type of ['mousedown', 'mouseup', 'mousemove', 'pointerdown', 'pointerup', 'pointermove', 'wheel', 'contextmenu', 'dblclick', 'touchstart']) {
      window.addEventListener(type, (e) => e.isTrusted && w.__mouseEvents.push(type), true);
    }
    // A click made with a mouse has detail ≥ 1; one made by Enter or Space has detail 0.
    window.addEventListener('click', (e) => e.isTrusted && (e as MouseEvent).detail > 0 && w.__mouseEvents.push('click'), true);
  });
}

export async function mouseEvents(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __mouseEvents: string[] }).__mouseEvents);
}

export interface Focused {
  /** id, or tag.class of the focused element. */
  name: string;
  /** A visible focus indicator: an outline ≥ 2 px on the element or on its drop zone. */
  ring: boolean;
}

/** The focused element and whether its focus ring shows. */
export async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: 'body', ring: false };
    // The drop zones' file inputs are invisible: their zone draws the ring (:focus-within).
    // (No helper functions in here: the test runner's transpiler would wrap them in __name().)
    const zone = el.closest('.drop');
    const own = getComputedStyle(el);
    const around = zone ? getComputedStyle(zone) : null;
    const ring = (own.outlineStyle !== 'none' && parseFloat(own.outlineWidth) >= 2) || (!!around && around.outlineStyle !== 'none' && parseFloat(around.outlineWidth) >= 2);
    const name = el.id || `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}${el.dataset.label ? `[${el.dataset.label}]` : !el.className && el.textContent ? `"${el.textContent.trim().slice(0, 20)}"` : ''}`;
    return { name, ring };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max`
 * presses, or when an element on the way shows no focus ring or comes before the previous one
 * in the document when tabbing forwards (the order must follow the page). Returns the names
 * of the elements passed.
 */
export async function tabTo(page: Page, selector: string, { max = 80, back = false } = {}): Promise<string[]> {
  const passed: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    passed.push(f.name);
    assert.ok(f.ring, `no visible focus ring on ${f.name} (after ${passed.join(' → ')})`);
    if (!back) {
      const inOrder = await page.evaluate(() => {
        const w = window as unknown as { __lastFocus?: Element };
        const el = document.activeElement!;
        const prev = w.__lastFocus;
        w.__lastFocus = el;
        // Wrapping from the end of the page to its start is allowed.
        return !prev || !prev.isConnected || prev === el || !!(prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) || el.closest('header') !== null;
      });
      assert.ok(inOrder, `tab order goes backwards at ${f.name} (after ${passed.join(' → ')})`);
    }
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return passed;
  }
  throw new Error(`${selector} not reached in ${max} Tab presses: ${passed.join(' → ')}`);
}
