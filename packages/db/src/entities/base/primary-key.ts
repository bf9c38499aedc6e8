import { randomUUID } from "node:crypto";
import { p } from "@mikro-orm/core";

/**
 * A uuid primary key. The column keeps its `gen_random_uuid()` default (rows inserted by SQL), while entities get
 * their id at `em.create`: it is known before the flush, e.g. to reference the row in an audit log or a response.
 */
export const uuidPrimaryKey = () =>
  p
    .uuid()
    .primary()
    .defaultRaw("gen_random_uuid()")
    .onCreate(() => randomUUID());
