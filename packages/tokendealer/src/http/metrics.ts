import { Registry, collectDefaultMetrics } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-metrics.js';

/** The Prometheus metrics of one TokenDealer instance (its own registry: no global state). */
export class Metrics {
  readonly registry = new Registry();
  /** Named, labelled and bucketed as in every Runnerly service (see @runnerly/http-service's metrics). */
  readonly requestDuration = new FastHistogram(
    'http_server_request_duration_seconds',
    'Time to answer HTTP requests, by method, route template and status',
    ['method', 'route', 'status'],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    this.registry,
  );
  readonly tokensIssued = new FastCounter('tokendealer_tokens_issued_total', 'Access tokens issued by grant type', ['grant_type'], this.registry);
  readonly oauthErrors = new FastCounter(
    'tokendealer_oauth_errors_total',
    'OAuth error responses by endpoint and error code',
    ['endpoint', 'error'],
    this.registry,
  );
  readonly tokensRevoked = new FastCounter('tokendealer_tokens_revoked_total', 'Access tokens revoked', [], this.registry);
  readonly mailSent = new FastCounter('tokendealer_mail_sent_total', 'Account mail taken by the mail transport', [], this.registry);
  readonly mailRetried = new FastCounter('tokendealer_mail_retried_total', 'Failed account mail sends scheduled to be tried again', [], this.registry);
  readonly mailGivenUp = new FastCounter('tokendealer_mail_given_up_total', 'Account mail given up after too many failed attempts or too long', [], this.registry);
  readonly sweptRows = new FastCounter('tokendealer_sweeper_deleted_rows_total', 'Expired rows deleted by the background sweeper, by table', ['table'], this.registry);
  readonly sharedFailuresDropped = new FastCounter(
    'tokendealer_shared_failures_dropped_total',
    'Failures counted by this instance only, not shared with the others: too many keys waiting for the database (backlog), or the database failing (database)',
    ['reason'],
    this.registry,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
