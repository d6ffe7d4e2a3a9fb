/** A problem the user can fix (bad flag, unusable database file): the CLI prints the message, no stack. */
export class ViewerError extends Error {
  override name = "ViewerError";
}

/** A port the viewer was asked to listen on is taken (perhaps by a viewer already running). */
export class PortInUseError extends ViewerError {
  override name = "PortInUseError";
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(message);
  }
}
