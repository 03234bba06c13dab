/** The logging the network code needs; a pino logger fits it. */
export interface DimseLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: DimseLogger = { debug() {}, info() {}, warn() {}, error() {} };
