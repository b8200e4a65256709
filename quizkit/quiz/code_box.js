// The code-answer box of a quiz cell: a <textarea> where Tab indents and Shift+Tab dedents,
// and where no key reaches the notebook around it (JupyterLab and Notebook 7 would take keys
// that bubble up for command-mode shortcuts: "x" cuts the cell, "1" turns it into a heading).
const INDENT = "    ";

function lineStart(text, i) {
  return text.lastIndexOf("\n", i - 1) + 1;
}

// Indent (or dedent) every line the selection touches; the selection keeps covering them.
function shiftLines(area, dedent) {
  const text = area.value;
  const { selectionStart: start, selectionEnd: end } = area;
  const first = lineStart(text, start);
  // A selection that ends at the start of a line does not take that line along.
  const last = end > start && text[end - 1] === "\n" ? end - 1 : end;
  const lines = text.slice(first, last).split("\n");
  let removedFirst = 0;
  const shifted = lines.map((line, n) => {
    if (!dedent) return INDENT + line;
    const cut = line.match(/^ {0,4}/)[0].length || (line.startsWith("\t") ? 1 : 0);
    if (n === 0) removedFirst = cut;
    return line.slice(cut);
  });
  const replaced = shifted.join("\n");
  area.setRangeText(replaced, first, last, "preserve");
  const delta = replaced.length - (last - first);
  if (start === end) {
    const moved = dedent ? Math.max(first, start - removedFirst) : start + INDENT.length;
    area.setSelectionRange(moved, moved);
  } else {
    const newStart = dedent ? Math.max(first, start - removedFirst) : start + INDENT.length;
    area.setSelectionRange(newStart, end + delta);
  }
}

function onTab(area, event) {
  const { selectionStart: start, selectionEnd: end, value } = area;
  if (event.shiftKey || value.slice(start, end).includes("\n")) {
    shiftLines(area, event.shiftKey);
  } else {
    // Spaces up to the next multiple of four columns, as code editors do.
    const column = start - lineStart(value, start);
    area.setRangeText(" ".repeat(4 - (column % 4)), start, end, "end");
  }
}

function render({ model, el }) {
  const area = document.createElement("textarea");
  area.className = "quizkit-code-box";
  area.spellcheck = false;
  area.setAttribute("autocapitalize", "off");
  area.setAttribute("autocomplete", "off");
  const sync = () => {
    area.value = model.get("value");
    area.rows = model.get("rows");
    area.placeholder = model.get("placeholder");
  };
  sync();
  const send = () => {
    model.set("value", area.value);
    model.save_changes();
  };
  area.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      onTab(area, event);
      send();
    }
  });
  // The notebook listens for these too; what is typed here is the learner's code only.
  for (const type of ["keypress", "keyup"]) area.addEventListener(type, (event) => event.stopPropagation());
  area.addEventListener("input", send);
  model.on("change:value", () => {
    if (area.value !== model.get("value")) area.value = model.get("value");
  });
  model.on("change:rows", sync);
  model.on("change:placeholder", sync);
  el.classList.add("quizkit-code-box-widget");
  el.appendChild(area);
}

export default { render };
