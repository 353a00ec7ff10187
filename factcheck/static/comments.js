// @mention completion in comment boxes. Without JavaScript, typing "@Name" works the same:
// the server finds the mention; this only offers the names.
(function () {
  "use strict";
  const box = document.getElementById("new-comment");
  const list = document.getElementById("mention-suggestions");
  if (!box || !list) return;
  const url = box.dataset.mentionsUrl;
  let active = -1;
  let items = [];
  let asked = 0; // answers that come back out of order are dropped

  function currentWord() {
    const upto = box.value.slice(0, box.selectionStart);
    const match = /(^|[^\w])@([\w .'-]{0,40})$/.exec(upto);
    return match ? { query: match[2], start: upto.length - match[2].length - 1 } : null;
  }
  function close() { list.hidden = true; list.replaceChildren(); items = []; active = -1; box.removeAttribute("aria-activedescendant"); }
  function choose(index) {
    const word = currentWord();
    if (!word || !items[index]) return close();
    const before = box.value.slice(0, word.start);
    const after = box.value.slice(box.selectionStart);
    const text = "@" + items[index].name + " ";
    box.value = before + text + after;
    const caret = before.length + text.length;
    box.setSelectionRange(caret, caret);
    close();
    box.focus();
  }
  function highlight(index) {
    active = index;
    Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (list.children[index]) box.setAttribute("aria-activedescendant", list.children[index].id);
  }
  async function suggest() {
    const word = currentWord();
    if (!word) return close();
    const ticket = ++asked;
    const response = await fetch(url + "?q=" + encodeURIComponent(word.query), { headers: { "Accept": "application/json" } });
    if (ticket !== asked) return;
    if (!response.ok) return close();
    const found = await response.json();
    if (ticket !== asked) return;
    items = found;
    list.replaceChildren(...items.map((person, i) => {
      const li = document.createElement("li");
      li.id = "mention-option-" + i;
      li.setAttribute("role", "option");
      li.textContent = person.name + " (@" + person.handle + ")";
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(i); });
      return li;
    }));
    list.hidden = items.length === 0;
    if (items.length) highlight(0);
  }
  box.addEventListener("input", suggest);
  box.addEventListener("blur", () => setTimeout(close, 100));
  box.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
})();
