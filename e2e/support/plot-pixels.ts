/**
 * Run inside the page (pass it to page.evaluate / BPage.eval): the plot's pixels that are
 * neither background nor empty, whatever draws the plot (WebGL or the 2D fallback). It is one
 * self-contained function because evaluate sends its source text: it may call no helper.
 */
export const plotColouredPixels = (): number => {
  const src = document.querySelector('#plot canvas') as HTMLCanvasElement | null;
  if (!src || !src.width || !src.height) return 0;
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height;
  const ctx = c.getContext('2d')!;
  ctx.drawImage(src, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240)) n++;
  return n;
};
