/** The logger the gateway writes to: pino's shape, so the server's logger fits, and a test's stub too. */
export interface GatewayLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
