import { describe, expect, it } from '@jest/globals';
import { stripeConnection } from './stripe.gateway.js';

describe('STRIPE_API_URL → the SDK’s host, port and protocol', () => {
  it('unset: the SDK’s defaults (api.stripe.com over https)', () => {
    expect(stripeConnection(undefined)).toEqual({});
  });

  it('splits a URL, with default ports per protocol', () => {
    expect(stripeConnection('http://127.0.0.1:12111')).toEqual({
      host: '127.0.0.1',
      port: '12111',
      protocol: 'http',
    });
    expect(stripeConnection('https://stripe-mock.internal')).toEqual({
      host: 'stripe-mock.internal',
      port: 443,
      protocol: 'https',
    });
    expect(stripeConnection('http://[::1]:8080/')).toEqual({ host: '::1', port: '8080', protocol: 'http' });
  });
});
