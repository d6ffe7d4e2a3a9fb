/** A problem the user can fix (bad flag, unusable database file): the CLI prints the message, no stack. */
export class ViewerError extends Error {
  override name = "ViewerError";
}
