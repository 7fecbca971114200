/**
 * Strava's error body: `{"message": "...", "errors": [{"resource", "field", "code"}]}`. Each fault
 * is thrown where its rule fails and written in one place (the error handler).
 */
export interface FaultDetail {
  resource: string;
  field: string;
  code: string;
}

export class StravaFault extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors: FaultDetail[],
  ) {
    super(message);
  }

  body(): { message: string; errors: FaultDetail[] } {
    return { message: this.message, errors: this.errors };
  }
}

export const badRequest = (resource: string, field: string, code = 'invalid') => new StravaFault(400, 'Bad Request', [{ resource, field, code }]);

export const invalidAccessToken = () => new StravaFault(401, 'Authorization Error', [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }]);

/** A token without the scope an endpoint needs, for example `activity:read_permission`. */
export const missingPermission = (permission: string) => new StravaFault(401, 'Authorization Error', [{ resource: 'AccessToken', field: permission, code: 'missing' }]);

export const notFound = (resource: string) => new StravaFault(404, 'Resource Not Found', [{ resource, field: '', code: 'not found' }]);

export const rateLimitExceeded = () => new StravaFault(429, 'Rate Limit Exceeded', [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }]);
