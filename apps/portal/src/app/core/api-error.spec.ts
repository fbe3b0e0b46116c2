import { describe, expect, it } from '@jest/globals';
import { ApiError, errorMessage, normalizeFieldName, parseProblem, toApiError } from './api-error.js';

describe('parseProblem', () => {
  it('reads detail, code and field errors of an RFC 9457 validation problem', () => {
    const err = parseProblem(400, {
      type: 'https://drydock.dev/problems/validation',
      title: 'Validation failed',
      status: 400,
      detail: 'The request body is not valid.',
      code: 'validation_failed',
      errors: [
        { field: 'organization', message: 'Slug is reserved' },
        { field: 'password', message: 'Must be at least 12 characters' },
      ],
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('The request body is not valid.');
    expect(err.fieldMessage('organization')).toBe('Slug is reserved');
    expect(err.fieldMessage('password')).toBe('Must be at least 12 characters');
  });

  it('accepts zod-style paths, JSON pointers and invalid-params', () => {
    const err = parseProblem(400, {
      title: 'Bad request',
      issues: [{ path: ['email'], message: 'Invalid email' }],
      'invalid-params': [{ name: 'slug', reason: 'taken' }],
      errors: [{ pointer: '#/body/password', detail: 'too short' }],
    });
    expect(err.fieldErrors).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'Invalid email' },
        { field: 'slug', message: 'taken' },
        { field: 'password', message: 'too short' },
      ]),
    );
  });

  it('accepts an object map of field errors', () => {
    const err = parseProblem(422, { errors: { email: ['is taken', 'is odd'], name: 'required' } });
    expect(err.fieldMessage('email')).toBe('is taken is odd');
    expect(err.fieldMessage('name')).toBe('required');
    expect(err.message).toBe('Some fields are not valid.');
  });

  it('parses a string body and falls back to a status message when the body is not JSON', () => {
    expect(parseProblem(409, '{"title":"Slug taken","code":"conflict"}').message).toBe('Slug taken');
    expect(parseProblem(502, '<html>bad gateway</html>').message).toMatch(/server/i);
    expect(parseProblem(0, null).message).toMatch(/could not be reached/);
    expect(parseProblem(429, undefined).message).toMatch(/Too many/);
    expect(parseProblem(418, {}).message).toBe('The request failed (HTTP 418).');
  });

  it('derives the code from the problem type URI when no code is given', () => {
    expect(parseProblem(402, { type: 'https://x/problems/addon_required', title: 'x' }).code).toBe(
      'addon_required',
    );
  });

  it('keeps the request id from the header over the body', () => {
    expect(parseProblem(500, { requestId: 'body' }, 'hdr').requestId).toBe('hdr');
    expect(parseProblem(500, { requestId: 'body' }).requestId).toBe('body');
  });
});

describe('normalizeFieldName', () => {
  it('normalises the usual spellings', () => {
    expect(normalizeFieldName('email')).toBe('email');
    expect(normalizeFieldName('/email')).toBe('email');
    expect(normalizeFieldName('#/grants/0/level')).toBe('grants.0.level');
    expect(normalizeFieldName(['grants', 0, 'level'])).toBe('grants.0.level');
    expect(normalizeFieldName('body.name')).toBe('name');
    expect(normalizeFieldName('')).toBeUndefined();
    expect(normalizeFieldName(42)).toBeUndefined();
  });
});

describe('errorMessage / toApiError', () => {
  it('turns anything thrown into a message', () => {
    expect(errorMessage(new ApiError(403, 'No', undefined, []))).toBe('No');
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('?')).toBe('Something went wrong.');
    expect(toApiError(new Error('x')).status).toBe(0);
  });
});
