// Talks to the backend through data-api-base, which already carries the base path (/harvest/...) when mounted under one.
const apiBase = document.body.dataset.apiBase;

async function getJson(path, options) {
  const response = await fetch(`${apiBase}${path}`, options);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function refresh() {
  const health = await getJson("/health");
  document.getElementById("be-version").textContent = health.version;
  const { harvests } = await getJson("/harvests");
  const list = document.getElementById("harvests");
  list.replaceChildren(
    ...harvests.map((harvest) => {
      const item = document.createElement("li");
      item.textContent = `${harvest.crop}: ${harvest.kg} kg`;
      return item;
    }),
  );
}

document.getElementById("add-harvest").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  await getJson("/harvests", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ crop: form.get("crop"), kg: Number(form.get("kg")) }),
  });
  event.target.reset();
  await refresh();
});

refresh().catch((error) => {
  document.getElementById("be-version").textContent = `unreachable (${error.message})`;
});
