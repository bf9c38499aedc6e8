import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, eventually, IMAGES, startTestApp, workerToken, type OrgRow, type TestApp, type WorkerRow } from "./support/test-app.ts";

let t: TestApp;
let org: OrgRow;
let me: WorkerRow;
let jobId: string;
const hours = (n: number) => new Date(Date.now() + n * 3_600_000);
const asMe = () => bearer(workerToken(me, t.clock.now()));
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  t = await startTestApp();
  org = await t.make.org();
  const team = await t.make.team(org);
  me = await t.make.worker(org, team.id);
  jobId = (await t.make.booking(org, { teamId: team.id, startsAt: hours(1) })).id;
});
afterAll(() => t.close());

const photoRows = async () => (await t.owner.query(`SELECT count(*)::int AS n FROM order_photos`)).rows[0].n as number;

/** Nothing was left by a refused upload: no file (temporary ones included) and no row. */
async function expectNoLeftovers(files: string[], rows: number) {
  // An interrupted upload is cleaned up after the connection closes: wait for that, not for a guessed time.
  await eventually(async () => expect(await t.storedFiles()).toEqual(files));
  expect(await photoRows()).toBe(rows);
}

describe("POST /jobs/:id/photos", () => {
  it("stores PNG, JPEG, WebP and HEIC recognised by their bytes (name and header ignored), with their SHA-256, in the org's folder", async () => {
    const png = await request(t.app)
      .post(`/jobs/${jobId}/photos`)
      .set(asMe())
      .attach("photo", IMAGES.png, { filename: "holiday.txt", contentType: "text/plain" });
    expect(png.status).toBe(201);
    expect(png.body).toEqual({
      id: expect.any(String) as string,
      sha256: sha256(IMAGES.png),
      content_type: "image/png",
      byte_size: IMAGES.png.length,
    });
    const jpeg = await request(t.app).post(`/jobs/${jobId}/photos`).set(asMe()).attach("photo", IMAGES.jpeg, "x.png");
    expect(jpeg.status).toBe(201);
    expect(jpeg.body.content_type).toBe("image/jpeg");
    for (const [kind, bytes] of [
      ["image/webp", IMAGES.webp],
      ["image/heic", IMAGES.heic],
    ] as const) {
      const res = await request(t.app).post(`/jobs/${jobId}/photos`).set(asMe()).attach("photo", bytes, "photo.jpg");
      expect(res.status, kind).toBe(201);
      expect(res.body.content_type).toBe(kind);
    }
    const rows = await t.owner.query<{ storage_key: string; worker_id: string; sha256: string }>(
      `SELECT storage_key, worker_id, sha256 FROM order_photos ORDER BY created_at`,
    );
    expect(rows.rows).toHaveLength(4);
    for (const r of rows.rows) {
      expect(r.storage_key.startsWith(`${org.orgId}/`)).toBe(true);
      expect(r.worker_id).toBe(me.id);
    }
    expect((await t.storedFiles()).sort()).toEqual(rows.rows.map((r) => r.storage_key).sort());

    const got = await request(t.app)
      .get(`/photos/${png.body.id as string}`)
      .set(asMe())
      .buffer(true);
    expect(got.status).toBe(200);
    expect(got.headers["content-type"]).toBe("image/png");
    expect(got.headers["x-content-type-options"]).toBe("nosniff");
    expect(sha256(got.body as Buffer)).toBe(sha256(IMAGES.png));
    const job = await request(t.app).get(`/jobs/${jobId}`).set(asMe());
    expect((job.body.photos as { id: string }[]).map((p) => p.id)).toContain(png.body.id);
  });

  it("never serves a photo to another org's worker, nor to another team's (404 like a missing one)", async () => {
    const up = await request(t.app).post(`/jobs/${jobId}/photos`).set(asMe()).attach("photo", IMAGES.png, "a.png");
    const otherOrg = await t.make.org();
    const stranger = await t.make.worker(otherOrg, (await t.make.team(otherOrg)).id);
    const colleague = await t.make.worker(org, (await t.make.team(org)).id);
    for (const w of [stranger, colleague]) {
      const res = await request(t.app)
        .get(`/photos/${up.body.id as string}`)
        .set(bearer(workerToken(w, t.clock.now())));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await request(t.app).get(`/photos/${up.body.id as string}`)).status).toBe(401);
  });

  it("refuses a wrong type (415), an oversize file (413) and a malformed or interrupted upload (400), leaving no file and no row", async () => {
    const files = await t.storedFiles();
    const rows = await photoRows();

    const html = await request(t.app)
      .post(`/jobs/${jobId}/photos`)
      .set(asMe())
      .attach("photo", Buffer.from("<html><script>x</script></html>"), { filename: "a.png", contentType: "image/png" });
    expect(html.status).toBe(415);
    expect(html.body.error.code).toBe("unsupported_media_type");
    const gif = await request(t.app)
      .post(`/jobs/${jobId}/photos`)
      .set(asMe())
      .attach("photo", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "a.gif");
    expect(gif.status).toBe(415);
    await expectNoLeftovers(files, rows);

    const big = Buffer.concat([IMAGES.png, Buffer.alloc(10 * 1024 * 1024)]);
    const over = await request(t.app).post(`/jobs/${jobId}/photos`).set(asMe()).attach("photo", big, "big.png");
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe("payload_too_large");
    await expectNoLeftovers(files, rows);

    const noFinalBoundary = `--b\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${IMAGES.png.toString("latin1")}`;
    const cut = await request(t.app)
      .post(`/jobs/${jobId}/photos`)
      .set(asMe())
      .set("content-type", "multipart/form-data; boundary=b")
      .send(Buffer.from(noFinalBoundary, "latin1"));
    expect(cut.status).toBe(400);
    await expectNoLeftovers(files, rows);

    const noFile = await request(t.app).post(`/jobs/${jobId}/photos`).set(asMe()).field("other", "x");
    expect(noFile.status).toBe(400);
    const json = await request(t.app).post(`/jobs/${jobId}/photos`).set(asMe()).send({ photo: "x" });
    expect(json.status).toBe(415);

    // A connection that drops mid-upload: the server never sees the end of the body.
    const server = t.app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.request({
        port,
        method: "POST",
        path: `/jobs/${jobId}/photos`,
        headers: { ...asMe(), "content-type": "multipart/form-data; boundary=b", "content-length": String(5 * 1024 * 1024) },
      });
      req.on("error", () => undefined);
      req.write(`--b\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n`);
      req.write(Buffer.concat([IMAGES.png, Buffer.alloc(256 * 1024)]));
      // Drop the connection once the server is staging the bytes (its temporary file exists).
      await eventually(async () => expect((await t.storedFiles()).some((f) => f.endsWith(".tmp"))).toBe(true));
      req.destroy();
      await expectNoLeftovers(files, rows);
    } finally {
      server.close();
    }
  });
});
