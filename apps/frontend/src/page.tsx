// The one HTML page; the client script fills it in. Server-rendered so it shows at once and works with the keyboard.
import type { FC } from 'hono/jsx';

export const Page: FC<{ scriptEtag: string; stylesEtag: string }> = ({ scriptEtag, stylesEtag }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>Todo chatbot</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={`/app.css?v=${stylesEtag.replace(/"/g, '')}`} />
      <script defer src={`/app.js?v=${scriptEtag.replace(/"/g, '')}`} />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to tasks
      </a>
      <header class="top">
        <h1>Todo chatbot</h1>
        <div id="account" class="account" />
      </header>
      <div id="toasts" class="toasts" role="status" aria-live="polite" />
      <main id="main" tabindex={-1}>
        <noscript>This app needs JavaScript.</noscript>
        <p class="loading" id="boot">
          Loading…
        </p>
      </main>
    </body>
  </html>
);
