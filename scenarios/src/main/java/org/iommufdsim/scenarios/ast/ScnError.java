package org.iommufdsim.scenarios.ast;

/**
 * A mistake in a scenario file, with the line and column where it is and a reason a person can
 * act on. Errors are values: no exception carrying one ever reaches the user.
 */
public sealed interface ScnError {
  Pos pos();

  String reason();

  /** {@code FILE:LINE:COL: reason}. */
  default String render(String file) {
    return file + ":" + pos().line() + ":" + pos().col() + ": " + reason();
  }

  /** The text is not in the language: a bad character, token or line structure. */
  record Syntax(Pos pos, String reason) implements ScnError {}

  /** A name the language or the uAPI does not know: call, field, constant, driver, option. */
  record Unknown(Pos pos, String reason) implements ScnError {}

  /** A well-formed value that cannot be used where it stands (too wide, unbound, wrong kind). */
  record BadValue(Pos pos, String reason) implements ScnError {}
}
