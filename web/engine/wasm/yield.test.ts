// yieldToEventLoop: lets pending events run, through setImmediate (Node) or a MessageChannel
// (browsers), not a clamped setTimeout(0).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { yieldToEventLoop } from './yield.ts';

describe('yieldToEventLoop', () => {
  it('lets an event queued before it run first', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('event'));
    await yieldToEventLoop();
    order.push('after');
    assert.deepEqual(order, ['event', 'after']);
  });

  it('uses a MessageChannel where setImmediate does not exist (browsers)', async () => {
    const saved = globalThis.setImmediate;
    // @ts-expect-error simulating a browser worker
    delete globalThis.setImmediate;
    try {
      let ran = false;
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ran = true;
        ch.port1.close();
      };
      ch.port2.postMessage(null);
      await yieldToEventLoop();
      assert.ok(ran, 'a message posted before it was delivered first');
    } finally {
      globalThis.setImmediate = saved;
    }
  });
});
