"""The SPARQL editor page: the YASGUI the ``oxigraph`` wheel ships, with the project's
prefixes and its saved queries as ready examples.

Oxigraph's own page opens on an empty editor and cannot be configured; this page loads the
same ``yasgui.min.js``/``.css`` from the server (nothing from the network), starts with the
project's ``PREFIX`` lines, and lists every saved query: choosing one opens it in a new tab.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from loader.namespaces import PREFIXES
from loader.query.saved import SavedQuery

#: The first tab's query, after the prefixes.
START = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def prefix_block() -> str:
    """The project's prefixes as SPARQL ``PREFIX`` lines."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def page(queries: Sequence[SavedQuery]) -> str:
    """The whole HTML page (its one script configures YASGUI; data is embedded as JSON)."""
    examples = [{"name": q.name, "summary": q.summary or q.name, "text": q.text} for q in queries]
    options = "".join(
        f'<option value="{i}">{escape(q.name)} — {escape(q.summary or "")}</option>'
        for i, q in enumerate(queries)
    )
    data = json.dumps({"start": prefix_block() + START, "examples": examples})
    data = data.replace("</", "<\\/")  # no text can end the script element
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SPARQL — tradekg</title>
<link href="/yasgui.min.css" rel="stylesheet" type="text/css">
<script src="/yasgui.min.js"></script>
<style>body{{font:15px system-ui,sans-serif;margin:0}}
nav{{background:#24323f;padding:.6em 1.2em}}
nav a{{color:#fff;margin-right:1.4em;text-decoration:none}}
.examples{{padding:.6em 1.2em}}select{{font:inherit;max-width:90vw}}</style>
</head>
<body>
<nav><a href="/queries/">Saved queries</a><a href="/sparql/">SPARQL (YASGUI)</a>
<a href="/api/openapi.json">API (OpenAPI)</a><a href="/site/index.html">Site</a></nav>
<div class="examples"><label for="example">Open a saved query in a new tab:</label>
<select id="example"><option value="">choose…</option>{options}</select></div>
<div id="yasgui"></div>
<script id="tradekg-data" type="application/json">{data}</script>
<script>
const data = JSON.parse(document.getElementById("tradekg-data").textContent);
const endpoint = window.location.origin + "/query";
const yasgui = new Yasgui(document.getElementById("yasgui"), {{
  requestConfig: {{ endpoint: endpoint }},
  copyEndpointOnNewTab: true,
  persistenceId: null,
  endpointCatalogueOptions: {{ getData: () => [{{ endpoint: endpoint }}], keys: [] }},
}});
yasgui.getTab().setQuery(data.start);
document.getElementById("example").addEventListener("change", (event) => {{
  const chosen = data.examples[Number(event.target.value)];
  if (!chosen) return;
  const tab = yasgui.addTab(true, {{ ...Yasgui.Tab.getDefaults(), name: chosen.name }});
  tab.setQuery(chosen.text);
  event.target.value = "";
}});
</script>
</body>
</html>
"""
