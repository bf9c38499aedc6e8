import type { Resource } from "../kernel/resource.ts";
import { bookings } from "./bookings/bookings.routes.ts";
import { clients } from "./clients/clients.routes.ts";
import { teamSchedules } from "./team-schedules/team-schedules.routes.ts";
import { teams } from "./teams/teams.routes.ts";
import { workers } from "./workers/workers.routes.ts";

/** Every resource of admin-api: routing, validation, access and the OpenAPI document all come from these. */
export const RESOURCES: readonly Resource[] = [clients, teams, teamSchedules, workers, bookings];
