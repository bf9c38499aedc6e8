import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developerMailer, parseMailConfig, smtpMailer } from "../src/index.ts";
import { startSmtpCatcher, type SmtpCatcher } from "../src/testing/smtp-catcher.ts";

let catcher: SmtpCatcher;
beforeAll(async () => {
  catcher = await startSmtpCatcher();
});
afterAll(async () => {
  await catcher.close();
});

describe("smtpMailer", () => {
  it("delivers a text mail over SMTP, a long link intact", async () => {
    const mailer = smtpMailer({ url: catcher.url, from: "CleanOps <no-reply@cleanops.test>" });
    const link = `http://127.0.0.1:5173/reset-password?token=${"A".repeat(43)}_${"b".repeat(43)}`;
    await mailer.send({ to: "olga@example.test", subject: "Reset your password", text: `Hello,\n\n${link}\n` });
    await mailer.close();
    const got = await catcher.waitFor((m) => m.to.includes("olga@example.test"));
    expect(got).toMatchObject({ from: "no-reply@cleanops.test", subject: "Reset your password" });
    expect(got.text).toContain(link);
  });
});

describe("developerMailer", () => {
  it("prints the mail (not to the log) with the page that lists it", async () => {
    let out = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString("utf8");
        cb();
      },
    });
    await developerMailer({ out: sink, mailPageUrl: "http://127.0.0.1:3001/dev/mails" }).send({
      to: "a@example.test",
      subject: "Verify",
      text: "http://x/verify-email?token=abc",
    });
    expect(out).toContain("MAIL (no SMTP_URL configured) to a@example.test: Verify");
    expect(out).toContain("http://x/verify-email?token=abc");
    expect(out).toContain("http://127.0.0.1:3001/dev/mails");
  });
});

describe("parseMailConfig", () => {
  it("reads SMTP_URL and MAIL_FROM, refuses another scheme without echoing the URL", () => {
    expect(parseMailConfig({})).toEqual({ smtpUrl: null, from: "CleanOps <no-reply@cleanops.localhost>" });
    expect(parseMailConfig({ SMTP_URL: "smtps://u:p@mail.test:465", MAIL_FROM: "x@y.test" })).toEqual({
      smtpUrl: "smtps://u:p@mail.test:465",
      from: "x@y.test",
    });
    expect(() => parseMailConfig({ SMTP_URL: "http://u:secret@mail.test" })).toThrow(/^Invalid configuration: SMTP_URL/);
    try {
      parseMailConfig({ SMTP_URL: "http://u:secret@mail.test" });
    } catch (err) {
      expect(String(err)).not.toContain("secret");
    }
  });
});
