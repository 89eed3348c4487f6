// Suggestions as you type for area fields (progressive enhancement: without this script the field is
// a plain text input that still works). An input marked data-place-suggestions gets an HTML
// <datalist> that this script fills from GET /api/v1/places?q=... (public, no personal data).
const WAIT_MS = 150;
const MIN_CHARS = 2;
const MAX_CHARS = 100;

function enhance(input) {
  const list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");

  let timer = null;
  let controller = null;

  function fill(suggestions) {
    list.replaceChildren(
      ...suggestions.map((s) => {
        const option = document.createElement("option");
        option.value = s.value;
        if (s.label !== s.value) option.label = s.label;
        return option;
      }),
    );
  }

  async function fetchFor(text) {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch("/api/v1/places?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return;
      const suggestions = await response.json();
      if (input.value.trim() === text) {
        fill(suggestions);
      }
    } catch (error) {
      if (error.name !== "AbortError") fill([]); // no suggestions: the field still takes any text
    }
  }

  input.addEventListener("input", () => {
    const text = input.value.trim();
    clearTimeout(timer);
    if (text.length < MIN_CHARS || text.length > MAX_CHARS) {
      fill([]);
      return;
    }
    // A suggestion just chosen is already the answer.
    if ([...list.options].some((o) => o.value === text)) return;
    timer = setTimeout(() => fetchFor(text), WAIT_MS);
  });
}

document.querySelectorAll("input[data-place-suggestions]").forEach(enhance);
