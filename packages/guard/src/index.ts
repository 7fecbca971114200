// Public surface of @runnerly/guard. The Fastify plugin lives at the `@runnerly/guard/fastify` subpath.
export {
  GuardConfigurationError,
  GuardError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  KeySourceError,
  MissingTokenError,
  type GuardErrorCode,
} from './errors.js';
export {
  DEFAULT_CLOCK_TOLERANCE,
  MAX_TOKEN_LENGTH,
  SUPPORTED_ALGORITHMS,
  verifyJwtAccessToken,
  type AccessTokenClaims,
  type JwtVerifyOptions,
  type KeyResolver,
  type SupportedAlgorithm,
} from './jwt.js';
export { JwksKeySource, type JwksKeySourceOptions } from './jwks.js';
export { metadataUrl, type AuthorizationServerMetadata } from './metadata.js';
export {
  createVerifier,
  DEFAULT_CACHE_SIZE,
  verifyAccessToken,
  type AccessTokenVerifier,
  type VerifierOptions,
  type VerifyAccessTokenOptions,
  type VerifyOptions,
} from './verifier.js';
export { authenticateRequest, errorResponse, extractBearerToken, type BearerRequest, type GuardErrorResponse } from './http.js';
export { TokenSource, TokenSourceError, type ClientAuthMethod, type TokenSourceOptions } from './token-source.js';
