import type { JobSummaryView, JobView } from "../resources/jobs/jobs.schemas.ts";
import { html, type SafeHtml } from "./html.ts";

export const CSS = `*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1f2937;background:#f3f4f6}
header{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:10px 14px;background:#1e3a8a;color:#fff}
header a,header button{color:#fff}.who{color:#c7d2fe;font-size:.9rem}main{padding:12px;max-width:640px;margin:0 auto}h1{font-size:1.3rem;margin:.4rem 0}
h2{font-size:1.1rem;margin:1rem 0 .4rem}.card{display:block;background:#fff;border-radius:10px;padding:12px;margin:0 0 10px;
color:inherit;text-decoration:none;box-shadow:0 1px 2px #0002}.muted{color:#6b7280;font-size:.9rem}label{display:block;margin:.6rem 0 .2rem}
input[type=text],input[type=email],input[type=password],textarea{width:100%;padding:10px;font:inherit;border:1px solid #9ca3af;border-radius:8px}
button,.button{display:inline-block;min-height:44px;padding:10px 16px;font:inherit;border:0;border-radius:8px;background:#2563eb;color:#fff}
button.secondary{background:#e5e7eb;color:#111}.error{background:#fee2e2;color:#991b1b;padding:10px;border-radius:8px}
ul{padding:0;list-style:none}li.item{background:#fff;border-radius:10px;padding:10px;margin:0 0 8px}.done{color:#047857}
.status{display:inline-block;padding:2px 8px;border-radius:99px;background:#e0e7ff;font-size:.85rem}
form.inline{display:inline}img.photo{max-width:100%;border-radius:8px;margin-top:6px}
`;

type Layout = { title: string; signedIn?: { name: string; orgName: string; csrf: string } | undefined };

function page(layout: Layout, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${layout.title} · CleanOps</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <header>
          <strong>CleanOps</strong>${
            layout.signedIn
              ? html`<span class="who">${layout.signedIn.name} · ${layout.signedIn.orgName}</span>
                  <form class="inline" method="post" action="/logout">
                    <input type="hidden" name="_csrf" value="${layout.signedIn.csrf}" /><button class="secondary" type="submit">
                      Sign out
                    </button>
                  </form>`
              : ""
          }
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

export function errorBox(message: string | undefined): SafeHtml {
  return message ? html`<p class="error" role="alert">${message}</p>` : html``;
}

export function loginPage(input: { csrf: string; org?: string; email?: string; error?: string }): SafeHtml {
  return page(
    { title: "Sign in" },
    html`<h1>Sign in</h1>
      ${errorBox(input.error)}
      <form method="post" action="/login">
        <input type="hidden" name="_csrf" value="${input.csrf}" />
        <label for="org">Company code</label>
        <input type="text" id="org" name="org" autocomplete="organization" autocapitalize="none" required value="${input.org ?? ""}" />
        <label for="email">Email</label>
        <input type="email" id="email" name="email" autocomplete="username" required value="${input.email ?? ""}" />
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required />
        <p><button type="submit">Sign in</button></p>
      </form>`,
  );
}

export function invitePage(input: { csrf: string; org: string; token: string; name?: string; error?: string }): SafeHtml {
  return page(
    { title: "Choose your password" },
    html`<h1>Welcome${input.name ? html`, ${input.name}` : ""}</h1>
      ${errorBox(input.error)}
      <form method="post" action="/invite">
        <input type="hidden" name="_csrf" value="${input.csrf}" />
        <input type="hidden" name="org" value="${input.org}" />
        <input type="hidden" name="token" value="${input.token}" />
        <label for="password">Choose a password (at least 12 characters)</label>
        <input type="password" id="password" name="password" autocomplete="new-password" minlength="12" required />
        <p><button type="submit">Save and sign in</button></p>
      </form>`,
  );
}

export function messagePage(title: string, message: string): SafeHtml {
  return page(
    { title },
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/">Back to my jobs</a></p>`,
  );
}

export type TimeFormat = (iso: string) => string;

export function jobsPage(input: { signedIn: NonNullable<Layout["signedIn"]>; jobs: JobSummaryView[]; time: TimeFormat }): SafeHtml {
  const cards = input.jobs.map(
    (j) =>
      html`<a class="card" href="/jobs/${j.id}/view">
        <strong>${input.time(j.starts_at)}</strong> <span class="status">${j.status.replace("_", " ")}</span><br />
        ${j.client_name}<br /><span class="muted">${j.address}</span></a
      >`,
  );
  return page(
    { title: "My jobs", signedIn: input.signedIn },
    html`<h1>Today and upcoming</h1>
      ${cards.length > 0 ? cards : html`<p class="muted">No jobs for your team today or later.</p>`}`,
  );
}

export function jobPage(input: {
  signedIn: NonNullable<Layout["signedIn"]>;
  job: JobView;
  time: TimeFormat;
  error?: string | undefined;
}): SafeHtml {
  const { job, signedIn } = input;
  const csrf = html`<input type="hidden" name="_csrf" value="${signedIn.csrf}" />`;
  const started = job.status === "in_progress";
  const items = (job.checklist?.items ?? []).map(
    (item) =>
      html`<li class="item">
        <form method="post" action="/jobs/${job.id}/view/checklist/${item.id}">
          ${csrf}
          <input type="hidden" name="checked" value="${item.checked ? "false" : "true"}" />
          <strong class="${item.checked ? "done" : ""}">${item.checked ? "✓ " : "☐ "}${item.label}</strong
          >${item.required ? "" : html` <span class="muted">(optional)</span>`}
          ${item.note ? html`<br /><span class="muted">Note: ${item.note}</span>` : ""}
          ${
            started
              ? html`<label for="note-${item.id}" class="muted">Note</label
                  ><input type="text" id="note-${item.id}" name="note" value="${item.note ?? ""}" maxlength="1000" />
                  <p><button type="submit" data-item="${item.label}">${item.checked ? "Untick" : "Tick"}</button></p>`
              : ""
          }
        </form>
      </li>`,
  );
  const action = (path: string, label: string) =>
    html`<form method="post" action="/jobs/${job.id}/view/${path}">${csrf}<button type="submit">${label}</button></form>`;
  return page(
    { title: "Job", signedIn },
    html`<p><a href="/">← My jobs</a></p>
      <h1>${job.client_name}</h1>
      ${errorBox(input.error)}
      <p>
        <strong>${input.time(job.starts_at)}</strong> – ${input.time(job.ends_at)}
        <span class="status" id="job-status">${job.status.replace("_", " ")}</span>
      </p>
      <p>${job.address}</p>
      ${
        job.access_notes
          ? html`<h2>Access notes</h2>
              <p>${job.access_notes}</p>`
          : ""
      }
      ${
        job.addons.length > 0
          ? html`<h2>Add-ons</h2>
              <ul>
                ${job.addons.map((a) => html`<li>${a.quantity} × ${a.name}</li>`)}
              </ul>`
          : ""
      }
      ${job.status === "confirmed" ? action("start", "Start job") : ""}
      ${
        job.checklist
          ? html`<h2>Checklist: ${job.checklist.name}</h2>
              <ul>
                ${items}
              </ul>`
          : ""
      }
      ${started ? action("finish", "Finish job") : ""}
      <h2>Photos</h2>
      ${job.photos.map((p) => html`<img class="photo" src="/photos/${p.id}" alt="Photo of the job" />`)}
      ${
        job.status === "cancelled"
          ? ""
          : html`<form method="post" action="/jobs/${job.id}/view/photos" enctype="multipart/form-data">
              ${csrf}
              <label for="photo">Add a photo (JPEG, PNG, WebP or HEIC, up to 10 MB)</label>
              <input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp,image/heic" required />
              <p><button type="submit">Upload photo</button></p>
            </form>`
      }`,
  );
}
