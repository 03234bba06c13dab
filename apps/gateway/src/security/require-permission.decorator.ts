import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@nidus/auth';

export const PERMISSION_KEY = 'nidus:permission';

/**
 * The permission a route needs (libs/auth ROLE_TABLE). The guard authenticates the request and authorizes it;
 * for `study:*` the `:study` parameter is the study it touches (the stroke role reads only alerted studies).
 */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);
