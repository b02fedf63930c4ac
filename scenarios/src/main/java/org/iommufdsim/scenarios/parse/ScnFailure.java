package org.iommufdsim.scenarios.parse;

import org.iommufdsim.scenarios.ast.ScnError;

/**
 * Carries a {@link ScnError} out of a deep call chain (recursive descent, evaluation) to the
 * entry point that turns it back into a value. It never leaves this module's public API.
 */
public final class ScnFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ScnError error;

  public ScnFailure(ScnError error) {
    super(error.reason(), null, false, false);
    this.error = error;
  }

  public ScnError error() {
    return error;
  }
}
