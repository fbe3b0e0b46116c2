/** The REST API is same-origin: the API serves the built portal at `/` (issue 2). */
export const API = '/api/v1';

/** Path segment encoding for names that hold `/` (repository names, issue 3). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
