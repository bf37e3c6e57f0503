/**
 * HTTP errors with a status and a message written for the client: every error the server answers
 * is `{"error": "<message>"}`. `reason` labels the failure in metrics.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string = reasonFor(status),
  ) {
    super(message);
  }
}

function reasonFor(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 404: return 'not_found';
    case 413: return 'too_large';
    case 415: return 'unsupported_media_type';
    case 503: return 'unavailable';
    default: return status >= 500 ? 'internal' : 'client_error';
  }
}

/** 400 with `message`. */
export const badRequest = (message: string): HttpError => new HttpError(400, message);
/** 404 with `message`. */
export const notFound = (message: string): HttpError => new HttpError(404, message);
/** 503 with `message` and a metrics reason. */
export const unavailable = (message: string, reason = 'unavailable'): HttpError => new HttpError(503, message, reason);
