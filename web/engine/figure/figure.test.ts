// Figure back ends: PNG bytes decode to the raster, shapes and text land where asked, SVG is
// escaped, scatter points keep the aspect ratio and y-up orientation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unzlibSync } from 'fflate';
import { encodePng } from './png.ts';
import { rasterize, textCoverage } from './raster.ts';
import { scatterPlacement, scatterRaster, scatterRasterRgba } from './scatter-raster.ts';
import { toSvg } from './svg.ts';
import { textWidth } from './text.ts';

describe('figure back ends', () => {
  it('encodes a PNG whose IDAT inflates to the filtered rows of the raster', () => {
    const rgba = Uint8ClampedArray.from({ length: 3 * 2 * 4 }, (_, i) => i * 7);
    const png = encodePng(3, 2, rgba);
    const b = Buffer.from(png);
    assert.equal(b.readUInt32BE(16), 3);
    assert.equal(b.readUInt32BE(20), 2);
    const raw = unzlibSync(b.subarray(b.indexOf('IDAT') + 4, b.indexOf('IEND') - 8));
    assert.deepEqual([...raw.subarray(1, 13)], [...rgba.subarray(0, 12)]);
    assert.equal(raw[0], 0);
    assert.equal(raw[13], 0);
    assert.throws(() => encodePng(3, 3, rgba), /not 3 × 3 RGBA/);
  });

  it('rasterizes a filled circle and a rect at their coordinates (scale 2)', () => {
    const r = rasterize({ width: 20, height: 10, background: '#ffffff', shapes: [
      { kind: 'circle', cx: 5, cy: 5, r: 3, fill: '#ff0000' },
      { kind: 'rect', x: 12, y: 2, w: 4, h: 4, fill: '#0000ff' },
    ] }, 2);
    const px = (x: number, y: number) => [...r.rgba.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 3)];
    assert.equal(r.width, 40);
    assert.deepEqual(px(10, 10), [255, 0, 0]);
    assert.deepEqual(px(28, 8), [0, 0, 255]);
    assert.deepEqual(px(1, 1), [255, 255, 255]);
  });

  it('draws text with ink inside its measured width', () => {
    const w = textWidth('CD8A', 12);
    assert.ok(w > 20 && w < 40, String(w));
    const cov = textCoverage('CD8A', 12);
    let ink = 0;
    for (const a of cov.alpha) ink += a;
    assert.ok(ink > 255 * 20, 'text has ink');
    assert.ok(cov.width <= Math.ceil(w) + 2);
    assert.ok(textWidth('Platelets', 12) > textWidth('NK', 12));
  });

  it('escapes text in SVG and embeds images as PNG data', () => {
    const svg = toSvg({ width: 10, height: 10, background: '#ffffff', shapes: [
      { kind: 'text', x: 1, y: 5, text: 'A<B & "C"', size: 10 },
      { kind: 'image', x: 0, y: 0, w: 2, h: 2, width: 1, height: 1, rgba: new Uint8ClampedArray([1, 2, 3, 255]) },
    ] });
    assert.match(svg, />A&lt;B &amp; &quot;C&quot;</);
    assert.match(svg, /href="data:image\/png;base64,iVBORw0KGgo/);
  });

  it('places scatter points with y up and equal axis scales', () => {
    const xy = Float32Array.from([0, 0, 10, 0, 0, 5]);
    const colors = ['#ff0000', '#00ff00', '#0000ff'];
    const img = scatterRaster(xy, (i) => colors[i], { width: 100, height: 100, margin: 0, radius: 1 });
    const at = (x: number, y: number) => [...img.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4)];
    // x spans the width; y (half the span) is centred: y=0 → row 75, y=5 → row 25.
    assert.deepEqual(at(0, 74).slice(0, 3), [255, 0, 0]);
    assert.deepEqual(at(99, 74).slice(0, 3), [0, 255, 0]);
    assert.deepEqual(at(0, 25).slice(0, 3), [0, 0, 255]);
    assert.equal(at(50, 50)[3], 0);
  });

  it('draws scatter points in the given order (later on top)', () => {
    const xy = Float32Array.from([0, 0, 0, 0, 10, 10]);
    const colors = ['#ff0000', '#00ff00', '#0000ff'];
    const top = (order?: number[]) => {
      const img = scatterRaster(xy, (i) => colors[i], { width: 20, height: 20, margin: 0.1, radius: 2, order });
      const p = (18 * 20 + 2) * 4; // the shared point at (0, 0): bottom left
      return [...img.subarray(p, p + 3)];
    };
    assert.deepEqual(top(), [0, 255, 0], 'cell order: cell 1 over cell 0');
    assert.deepEqual(top([1, 0, 2]), [255, 0, 0], 'cell 0 drawn last');
  });

  it('RGBA colours: alpha is opacity, alpha 0 is not drawn; a view zooms; placement maps both ways', () => {
    const xy = Float32Array.from([0, 0, 10, 0, 0, 5]);
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 128]);
    const img = scatterRasterRgba(xy, rgba, { width: 100, height: 100, margin: 0, radius: 1 });
    const at = (im: Uint8ClampedArray, x: number, y: number) => [...im.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4)];
    assert.deepEqual(at(img, 0, 74).slice(0, 3), [255, 0, 0]);
    assert.ok(at(img, 0, 74)[3] > 150);
    assert.equal(at(img, 99, 74)[3], 0);
    const half = at(img, 0, 25);
    assert.deepEqual(half.slice(0, 3), [0, 0, 255]);
    assert.ok(half[3] > 60 && half[3] < at(img, 0, 74)[3] * 0.6, `alpha ${half[3]}`);
    // Zoomed on the box [0, 5] × [0, 5]: the point at (0, 5) is now at the top-left corner.
    const zoom = scatterRasterRgba(xy, rgba, { width: 100, height: 100, margin: 0, radius: 1, view: { x0: 0, x1: 5, y0: 0, y1: 5 } });
    assert.deepEqual(at(zoom, 0, 0).slice(0, 3), [0, 0, 255]);
    const place = scatterPlacement({ x0: 0, x1: 10, y0: 0, y1: 5 }, 100, 100, 0);
    assert.deepEqual(place.toPixel(10, 5), [100, 25]);
    assert.deepEqual(place.toData(100, 25), [10, 5]);
  });
});
