/** A Scene as SVG text (standalone file: XML declaration-free, UTF-8, viewBox in pixels). */
import { encodePng } from './png.ts';
import type { Scene, Shape } from './scene.ts';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const n = (x: number) => String(Math.round(x * 100) / 100);

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function stroke(s: { stroke?: string; strokeWidth?: number }): string {
  return s.stroke ? ` stroke="${s.stroke}" stroke-width="${n(s.strokeWidth ?? 1)}"` : '';
}

function shape(s: Shape, i: number, defs: string[]): string {
  switch (s.kind) {
    case 'rect':
      return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill ?? 'none'}"${stroke(s)}/>`;
    case 'circle':
      return `<circle${s.cls ? ` class="${s.cls}"` : ''} cx="${n(s.cx)}" cy="${n(s.cy)}" r="${n(s.r)}" fill="${s.fill}"${stroke(s)}${s.title ? `><title>${esc(s.title)}</title></circle>` : '/>'}`;
    case 'line':
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.stroke}" stroke-width="${n(s.strokeWidth ?? 1)}"/>`;
    case 'text': {
      const anchor = s.anchor && s.anchor !== 'start' ? ` text-anchor="${s.anchor}"` : '';
      const rot = s.rotate ? ` transform="rotate(${s.rotate} ${n(s.x)} ${n(s.y)})"` : '';
      const weight = s.bold ? ' font-weight="bold"' : '';
      return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${n(s.size)}"${anchor}${rot}${weight}${s.fill ? ` fill="${s.fill}"` : ''}>${esc(s.text)}</text>`;
    }
    case 'image': {
      const png = encodePng(s.width, s.height, s.rgba);
      return `<image x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" preserveAspectRatio="none" href="data:image/png;base64,${base64(png)}"/>`;
    }
    case 'gradient': {
      const id = `g${i}`;
      const stops = s.colors.map((c, k) => `<stop offset="${n(k / Math.max(1, s.colors.length - 1))}" stop-color="${c}"/>`).join('');
      defs.push(`<linearGradient id="${id}" x1="0" y1="${s.vertical ? 1 : 0}" x2="${s.vertical ? 0 : 1}" y2="0">${stops}</linearGradient>`);
      return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="url(#${id})" stroke="#888" stroke-width="0.5"/>`;
    }
  }
}

export function toSvg(scene: Scene): string {
  const defs: string[] = [];
  const body = scene.shapes.map((s, i) => shape(s, i, defs)).join('\n');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" font-family="DejaVu Sans, Verdana, Arial, sans-serif">\n` +
    (scene.title ? `<title>${esc(scene.title)}</title>\n` : '') +
    (defs.length ? `<defs>${defs.join('')}</defs>\n` : '') +
    `<rect width="100%" height="100%" fill="${scene.background}"/>\n${body}\n</svg>\n`
  );
}
