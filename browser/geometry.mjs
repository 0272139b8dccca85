// Rendered geometry of the text in a page's figures: every <text> element's bounding box, read
// from the browser after layout, checked against the other text of its figure (overlap) and
// against the figure's own box (clipping). Shared by check.mjs (reports) and e2e.mjs (the web
// page's outcome trend).

/** Overlap smaller than this (px, in both directions) is antialiasing, not a collision. */
const TOLERANCE = 0.5;

/**
 * The text problems of every `selector` element of the page: [{figure, kind, texts}], kind is
 * "overlap" (two text boxes intersect) or "clipped" (a text box leaves its figure), and the
 * number of text elements measured.
 */
export async function textProblems(page, selector) {
  return page.$$eval(selector, (figures, tolerance) => {
    const problems = [];
    let measured = 0;
    for (const figure of figures) {
      const frame = figure.getBoundingClientRect();
      const name = figure.id || figure.getAttribute('class') || 'figure';
      const texts = Array.from(figure.querySelectorAll('text'))
        .filter((t) => t.textContent.trim().length > 0)
        .map((t) => ({ text: t.textContent.trim(), box: t.getBoundingClientRect() }));
      measured += texts.length;
      for (const t of texts) {
        const b = t.box;
        if (b.left < frame.left - tolerance || b.right > frame.right + tolerance
          || b.top < frame.top - tolerance || b.bottom > frame.bottom + tolerance) {
          problems.push({ figure: name, kind: 'clipped', texts: [t.text],
            box: [b.left - frame.left, b.top - frame.top, b.right - frame.left, b.bottom - frame.top].map(Math.round),
            frame: [Math.round(frame.width), Math.round(frame.height)] });
        }
      }
      for (let i = 0; i < texts.length; i += 1) {
        for (let j = i + 1; j < texts.length; j += 1) {
          const a = texts[i].box, b = texts[j].box;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > tolerance && h > tolerance) {
            problems.push({ figure: name, kind: 'overlap', texts: [texts[i].text, texts[j].text],
              by: [Math.round(w * 10) / 10, Math.round(h * 10) / 10] });
          }
        }
      }
    }
    return { problems, measured };
  }, TOLERANCE);
}
