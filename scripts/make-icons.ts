/**
 * Writes the app's PWA icons (web/app/public/icons/icon-{192,512}.png): coloured cell clusters
 * on a dark tile, drawn with no dependency (PNG encoder below). Run once; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc(size * (4 * size + 1));
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(4 * size * y, 4 * size * (y + 1)), y * (4 * size + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// Clusters in unit coordinates (inside the maskable safe zone): centre, spread, colour.
const CLUSTERS: [number, number, number, [number, number, number]][] = [
  [0.36, 0.38, 0.09, [78, 161, 255]],
  [0.64, 0.36, 0.08, [255, 159, 64]],
  [0.4, 0.66, 0.08, [87, 200, 120]],
  [0.66, 0.64, 0.09, [233, 91, 120]],
];

function draw(size: number): Uint8Array {
  const img = new Uint8Array(4 * size * size);
  for (let i = 0; i < size * size; i++) img.set([24, 38, 52, 255], 4 * i); // full-bleed tile (maskable)
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const [cx, cy, spread, rgb] of CLUSTERS) {
    for (let k = 0; k < 14; k++) {
      const a = rand() * 2 * Math.PI;
      const r = spread * Math.sqrt(rand());
      const x = (cx + r * Math.cos(a)) * size;
      const y = (cy + r * Math.sin(a)) * size;
      const rad = size * 0.028;
      for (let py = Math.floor(y - rad); py <= y + rad; py++)
        for (let px = Math.floor(x - rad); px <= x + rad; px++) {
          const d = Math.hypot(px + 0.5 - x, py + 0.5 - y);
          if (d <= rad && px >= 0 && py >= 0 && px < size && py < size) img.set([...rgb, 255], 4 * (py * size + px));
        }
    }
  }
  return img;
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../web/app/public/icons');
mkdirSync(dir, { recursive: true });
for (const size of [192, 512]) writeFileSync(path.join(dir, `icon-${size}.png`), png(size, draw(size)));
