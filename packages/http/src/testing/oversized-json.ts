import type { Express } from "express";
import request, { type Response } from "supertest";

/**
 * Posts a JSON body just over `limitBytes` and, after it, a small one to an unknown path: what an app's body limit
 * must refuse (413) and let through (to the 404), before any route or query runs.
 */
export async function postAroundJsonLimit(app: Express, limitBytes: number): Promise<{ oversized: Response; small: Response }> {
  const oversized = await request(app)
    .post("/no-such-route")
    .set("content-type", "application/json")
    .send(JSON.stringify({ filler: "a".repeat(limitBytes + 1024) }));
  const small = await request(app).post("/no-such-route").set("content-type", "application/json").send({ small: true });
  return { oversized, small };
}
