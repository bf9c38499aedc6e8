import type { Resource } from "../kernel/resource.ts";
import { auth } from "./auth/auth.routes.ts";
import { jobs } from "./jobs/jobs.routes.ts";
import { photos } from "./photos/photos.routes.ts";

/** Every resource of worker-portal: routing, validation, access and the OpenAPI document all come from these. */
export const RESOURCES: readonly Resource[] = [auth, jobs, photos];
