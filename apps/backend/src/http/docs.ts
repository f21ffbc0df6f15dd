// GET /docs: a readable page of the OpenAPI document, self-contained (no CDN), next to GET /openapi.json.
import { html } from 'hono/html';

interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<
    string,
    Record<string, { summary?: string; description?: string; responses?: Record<string, unknown> }>
  >;
}

export function docsPage(doc: OpenApiDoc) {
  const rows = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(
      ([method, op]) => html`<tr>
        <td><code class="m ${method}">${method.toUpperCase()}</code></td>
        <td><code>${path}</code></td>
        <td>${op.summary ?? ''}${op.description ? html`<br /><small>${op.description}</small>` : ''}</td>
        <td>${Object.keys(op.responses ?? {}).join(', ')}</td>
      </tr>`,
    ),
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title} &mdash; API</title>
        <style>
          body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1a1a1a; }
          table { border-collapse: collapse; width: 100%; }
          td, th { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }
          .m { font-weight: 700; } .get { color: #0b6e4f; } .post { color: #1d4ed8; } .patch { color: #9a3412; } .delete { color: #b91c1c; }
          small { color: #555; }
        </style>
      </head>
      <body>
        <h1>${doc.info.title} <small>${doc.info.version}</small></h1>
        <p>${doc.info.description ?? ''} The machine-readable document is at <a href="openapi.json">openapi.json</a>.</p>
        <table>
          <thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Answers</th></tr></thead>
          <tbody>${rows}</tbody>
        </table>
      </body>
    </html>`;
}
