/** Writes a figure Scene to a .svg or .png file (PNG rasterized in TypeScript, no native module). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng } from '../engine/figure/png.ts';
import { rasterize } from '../engine/figure/raster.ts';
import type { Scene } from '../engine/figure/scene.ts';
import { toSvg } from '../engine/figure/svg.ts';
import { CellTypistError } from '../engine/types.ts';

export function writeFigure(scene: Scene, file: string, scale = 2): void {
  if (!(scale > 0 && scale <= 8)) throw new CellTypistError('bad_option', `--scale must be between 0 and 8, got ${scale}`);
  let bytes: Uint8Array | string;
  if (/\.svg$/i.test(file)) bytes = toSvg(scene);
  else if (/\.png$/i.test(file)) {
    const r = rasterize(scene, scale);
    bytes = encodePng(r.width, r.height, r.rgba);
  } else throw new CellTypistError('bad_option', `a figure file must end in .svg or .png (got '${file}')`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    writeFileSync(file, bytes);
  } catch (e) {
    throw new CellTypistError('write_failed', `cannot write '${file}': ${(e as Error).message}`);
  }
}
