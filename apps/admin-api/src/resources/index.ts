import type { Resource } from "../kernel/resource.ts";
import { bookings } from "./bookings/bookings.routes.ts";
import { clients } from "./clients/clients.routes.ts";
import { subscriptions } from "./subscriptions/subscriptions.routes.ts";

/** Every resource of admin-api: routing, validation, access and the OpenAPI document all come from these. */
export const RESOURCES: readonly Resource[] = [clients, bookings, subscriptions];
