import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  placeholdersIn,
  renderTemplate,
  sourcesNeeded,
  transitionRefusal,
  unknownPlaceholders,
} from "../../src/resources/documents/documents.rules.ts";

describe("template placeholders", () => {
  it("lists the names used, once each, and refuses names outside the fixed list", () => {
    const body = "Dear {{client.name}}, {{ client.name }} at {{booking.starts_at}} for {{org.name}}; {{client.phone}} {{ total }} {{}}";
    expect(placeholdersIn(body)).toEqual(["client.name", "booking.starts_at", "org.name", "client.phone", "total", ""]);
    expect(unknownPlaceholders(body)).toEqual(["client.phone", "total", ""]);
    expect(unknownPlaceholders("{{client.email}} {{client.address}} {{booking.address}}")).toEqual([]);
    expect(sourcesNeeded("{{org.name}}")).toEqual({ client: false, booking: false });
    expect(sourcesNeeded("{{booking.address}} {{client.name}}")).toEqual({ client: true, booking: true });
  });
});

describe("rendering", () => {
  it("escapes every value for HTML: tags, ampersands and both quotes", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    const out = renderTemplate(`<p title="{{client.name}}">Hello {{client.name}} of {{org.name}}</p>`, {
      "client.name": `"><script>steal()</script>`,
      "org.name": "Mops & Co's",
    });
    expect(out).toBe(
      `<p title="&quot;&gt;&lt;script&gt;steal()&lt;/script&gt;">Hello &quot;&gt;&lt;script&gt;steal()&lt;/script&gt; of Mops &amp; Co&#39;s</p>`,
    );
    expect(out).not.toContain("<script>");
  });

  it("renders a missing value as nothing and leaves the template's own markup alone", () => {
    expect(renderTemplate("<b>{{client.email}}</b>|{{ org.name }}", { "client.email": null, "org.name": "A" })).toBe("<b></b>|A");
    // An escaped value that looks like a placeholder is not expanded again.
    expect(renderTemplate("{{client.name}}", { "client.name": "{{org.name}}" })).toBe("{{org.name}}");
  });
});

describe("document status", () => {
  it("goes draft → sent → signed and nowhere else", () => {
    expect(transitionRefusal("draft", "sent")).toBeUndefined();
    expect(transitionRefusal("sent", "signed")).toBeUndefined();
    expect(transitionRefusal("draft", "signed")).toBe("A draft document cannot become signed (next: sent).");
    expect(transitionRefusal("signed", "sent")).toBe("A signed document cannot become sent (it is final).");
    expect(transitionRefusal("sent", "sent")).toMatch(/cannot become sent/);
  });
});
