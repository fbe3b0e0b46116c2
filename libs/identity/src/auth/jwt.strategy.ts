import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@drydock/platform';
import {
  IdentityService,
  JWT_AUDIENCE,
  JWT_ISSUER,
  type AccessTokenPayload,
} from '../services/identity.service.js';
import type { Principal } from '../services/principal.js';

/** Short-lived session access tokens (HS256 JWTs), verified by passport-jwt. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly identity: IdentityService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: AccessTokenPayload): Promise<Principal | false> {
    if (payload.typ !== 'access') return false;
    return (await this.identity.principalForUser(payload.sub)) ?? false;
  }
}
