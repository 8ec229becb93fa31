// What the layout check measures in a loaded page (pipeline/layout/check.py calls it).
// Returns {lang, findings: [{kind, element, message, text}], texts: [{element, text}]}.
// `texts` (only when options.texts) is the visible text of each box, for the pseudo-locale
// check, with what is not a catalog's text left out: code, dates, other languages' names.
(options) => {
  const cssPath = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.documentElement; node = node.parentElement) {
      if (node.id && document.querySelectorAll(`#${CSS.escape(node.id)}`).length === 1) {
        parts.unshift(`#${CSS.escape(node.id)}`);
        break;
      }
      let part = node.tagName.toLowerCase();
      part += [...node.classList].map((name) => `.${CSS.escape(name)}`).join("");
      const siblings = node.parentElement ? [...node.parentElement.children] : [];
      const same = siblings.filter((other) => other.tagName === node.tagName);
      if (same.length > 1) {
        part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const excerpt = (text) => text.replace(/\s+/g, " ").trim().slice(0, 100);
  const inlineDisplay = (element) => ["inline", "contents"].includes(getComputedStyle(element).display);
  const scrolls = (value) => value === "auto" || value === "scroll";
  const findings = [];
  const found = (kind, element, message) => {
    findings.push({kind, element: cssPath(element), message, text: excerpt(element.textContent)});
  };

  // The page scrolls sideways, or a box reaches past the viewport with no scrolling box of
  // its own to hold it.
  const width = document.documentElement.clientWidth;
  const held = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") {
        return true;
      }
    }
    return false;
  };
  const outside = (rect) => rect.width > 0 && (rect.right > width + 0.5 || rect.left < -0.5);
  const sideways = document.documentElement.scrollWidth - width;
  if (sideways > 0) {
    found("viewport", document.body, `the page scrolls ${sideways}px sideways at ${width}px`);
  }
  const beyond = [...document.body.querySelectorAll("*")].filter(
    (element) => outside(element.getBoundingClientRect()) && !held(element)
  );
  for (const element of beyond) {
    if (!beyond.some((other) => other !== element && element.contains(other))) {
      const rect = element.getBoundingClientRect();
      found("viewport", element,
        `reaches ${Math.round(rect.left)}–${Math.round(rect.right)}px of a ${width}px viewport`);
    }
  }

  // Boxes whose content is wider or taller than they are, unless they scroll: content that
  // spills over its neighbours, or is cut off. Only the innermost of nested ones.
  const overflowing = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.clientWidth === 0 || inlineDisplay(element) || !element.checkVisibility()) {
      continue;
    }
    const style = getComputedStyle(element);
    const wide = element.scrollWidth - element.clientWidth;
    const tall = element.scrollHeight - element.clientHeight;
    const across = wide > 1 && !scrolls(style.overflowX);
    const down = tall > 1 && !scrolls(style.overflowY);
    if (across || down) {
      const cut = (across ? style.overflowX : style.overflowY) !== "visible";
      const how = across
        ? `content ${element.scrollWidth}px wide in a ${element.clientWidth}px box`
        : `content ${element.scrollHeight}px tall in a ${element.clientHeight}px box`;
      overflowing.push([element, cut ? `${how}, cut off` : how]);
    }
  }
  for (const [element, message] of overflowing) {
    if (!overflowing.some(([other]) => other !== element && element.contains(other))) {
      found("overflow", element, message);
    }
  }

  // A word of a table cell broken across lines where it must not be: leaving at most
  // `options.shortest` letters or digits on a line ("CAR-" / "T", "1–" / "2"), or broken
  // anywhere but after one of `options.breaksAfter` (a word wider than its column).
  const WORD = /[^ \t\n\r\f\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+/g;
  const ALNUM = /[\p{L}\p{N}]/gu;
  const weight = (fragment) => (fragment.match(ALNUM) || []).length;
  const rectOf = (node, offset) => {
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
    return [...range.getClientRects()].find((rect) => rect.width > 0);
  };
  for (const cell of document.body.querySelectorAll("td, th")) {
    if (!cell.checkVisibility()) {
      continue;
    }
    const chars = [];  // [node, offset] of each character of the cell's text
    let text = "";
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let offset = 0; offset < node.data.length; offset += 1) {
        chars.push([node, offset]);
      }
      text += node.data;
    }
    for (const match of text.matchAll(WORD)) {
      const whole = document.createRange();
      const [endNode, endOffset] = chars[match.index + match[0].length - 1];
      whole.setStart(...chars[match.index]);
      whole.setEnd(endNode, endOffset + 1);
      const rects = [...whole.getClientRects()].filter((rect) => rect.width > 0);
      if (rects.every((rect) => rect.top < rects[0].bottom - 1 && rects[0].top < rect.bottom - 1)) {
        continue;  // on one line: most words, measured once
      }
      const lines = [];
      let last = null;
      for (let index = match.index; index < match.index + match[0].length; index += 1) {
        const rect = rectOf(...chars[index]);
        if (!lines.length || (rect && last && rect.top >= last.bottom - 1)) {
          lines.push("");
        }
        lines[lines.length - 1] += text[index];
        last = rect || last;
      }
      if (lines.length < 2) {
        continue;
      }
      const stranded = lines.some((line) => weight(line) <= options.shortest);
      const forced = lines.slice(0, -1).some((line) => !options.breaksAfter.includes(line.at(-1)));
      if (stranded || forced) {
        found("broken-word", cell, `"${match[0]}" broken across lines: ${lines.join(" | ")}`);
      }
    }
  }

  const texts = [];
  if (options.texts) {
    const SKIP = "script, style, noscript, template, code, pre, kbd, samp, time, [hreflang], [translate=no]";
    const boxes = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.data.trim() || !parent || parent.closest(SKIP) || !parent.checkVisibility()) {
        continue;
      }
      let box = parent;
      while (box !== document.body && inlineDisplay(box)) {
        box = box.parentElement;
      }
      boxes.set(box, (boxes.get(box) || "") + node.data);
    }
    for (const [box, text] of boxes) {
      texts.push({element: cssPath(box), text});
    }
  }
  return {lang: document.documentElement.lang, findings, texts};
}
